/**
 * Offers and guardrails: the offer menu (paged), create and edit an offer (PUT /v1/offers/{id};
 * the server validates, its error is shown at the field it names), the governance policy, and the
 * contact guardrails (guardrails.tsx). Editing follows the role: offers:write (admin, marketer)
 * edits offers, settings:write (admin) the guardrails; everyone else reads.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, can, get, qs, type Paged, type Principal } from '../api.ts';
import { Badge, Card, ErrorBox, Json, Loading, Page, Pager, money, statusTone, useLoad, usePager } from '../ui.tsx';
import { Field, fieldOf, numberOrText } from '../forms.tsx';
import { Guardrails } from './guardrails.tsx';

const KINDS = ['percent_off', 'amount_off', 'free_shipping', 'bundle', 'loyalty_points', 'gift'];
const PAGE = 25;

interface Offer {
  id: string; name: string; kind: string; value: number; eligibility: { customer: string; value: string }; scope: { categories: string[]; productIds: string[] };
  minBasket: number; dailyBudget: number | null; stackable: boolean; placements: string[]; cooldownDays: number; status: string; spentToday?: number;
}
type Form = Record<'id' | 'name' | 'kind' | 'value' | 'customer' | 'tier' | 'minBasket' | 'dailyBudget' | 'cooldownDays' | 'status' | 'placements' | 'categories', string> & { stackable: boolean };

const toForm = (o?: Offer): Form => ({
  id: o?.id ?? '', name: o?.name ?? '', kind: o?.kind ?? 'percent_off', value: String(o?.value ?? 10), customer: o?.eligibility.customer ?? 'any', tier: o?.eligibility.value ?? 'any',
  minBasket: String(o?.minBasket ?? 0), dailyBudget: o?.dailyBudget === null || o?.dailyBudget === undefined ? '' : String(o.dailyBudget), cooldownDays: String(o?.cooldownDays ?? 7),
  status: o?.status ?? 'active', placements: (o?.placements ?? []).join(', '), categories: (o?.scope.categories ?? []).join(', '), stackable: o?.stackable ?? false,
});
const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

function OfferForm({ offer, onDone }: { offer?: Offer; onDone(msg: string): void }) {
  const [f, setF] = useState<Form>(toForm(offer));
  const [error, setError] = useState<{ field?: string | undefined; message: string }>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault(); setBusy(true); setError(undefined);
    const body = {
      id: f.id.trim(), name: f.name, kind: f.kind, value: numberOrText(f.value), eligibility: { customer: f.customer, value: f.tier },
      scope: { categories: list(f.categories), productIds: offer?.scope.productIds ?? [] }, minBasket: numberOrText(f.minBasket),
      dailyBudget: f.dailyBudget.trim() === '' ? null : numberOrText(f.dailyBudget), stackable: f.stackable, placements: list(f.placements),
      cooldownDays: numberOrText(f.cooldownDays), status: f.status,
    };
    try {
      const r = await api<Offer & { approval?: { held: boolean } }>('PUT', `/v1/offers/${encodeURIComponent(body.id || '_')}`, body);
      onDone(r.approval?.held ? `Offer ${r.id} submitted for approval: not on the menu until an approver accepts it.` : `Offer ${r.id} saved.`);
    } catch (err) {
      const field = fieldOf(err, 'offer');
      setError({ field: field === 'eligibility.value' ? 'tier' : field === 'eligibility.customer' ? 'customer' : field === 'scope.categories' ? 'categories' : field, message: (err as Error).message });
    } finally { setBusy(false); }
  };
  const known = ['id', 'name', 'kind', 'value', 'customer', 'tier', 'minBasket', 'dailyBudget', 'cooldownDays', 'status', 'placements', 'categories', 'stackable'];
  return (
    <form className="form-grid" onSubmit={submit} aria-label={offer ? `Edit offer ${offer.id}` : 'New offer'} noValidate>
      <Field label="Id" field="id" error={error}><input name="id" value={f.id} onChange={set('id')} readOnly={!!offer} /></Field>
      <Field label="Name" field="name" error={error}><input name="name" value={f.name} onChange={set('name')} /></Field>
      <Field label="Kind" field="kind" error={error}><select name="kind" value={f.kind} onChange={set('kind')}>{KINDS.map((k) => <option key={k}>{k}</option>)}</select></Field>
      <Field label="Value (percent, amount, points or gift cost)" field="value" error={error}><input name="value" inputMode="decimal" value={f.value} onChange={set('value')} /></Field>
      <Field label="Customers" field="customer" error={error}><select name="customer" value={f.customer} onChange={set('customer')}>{['any', 'new', 'returning'].map((k) => <option key={k}>{k}</option>)}</select></Field>
      <Field label="Value tier" field="tier" error={error}><select name="tier" value={f.tier} onChange={set('tier')}>{['any', 'high', 'low'].map((k) => <option key={k}>{k}</option>)}</select></Field>
      <Field label="Minimum basket" field="minBasket" error={error}><input name="minBasket" inputMode="decimal" value={f.minBasket} onChange={set('minBasket')} /></Field>
      <Field label="Daily budget (empty: none)" field="dailyBudget" error={error}><input name="dailyBudget" inputMode="decimal" value={f.dailyBudget} onChange={set('dailyBudget')} /></Field>
      <Field label="Cool-down days" field="cooldownDays" error={error}><input name="cooldownDays" inputMode="numeric" value={f.cooldownDays} onChange={set('cooldownDays')} /></Field>
      <Field label="Status" field="status" error={error}><select name="status" value={f.status} onChange={set('status')}><option>active</option><option>paused</option></select></Field>
      <Field label="Placements (comma-separated; empty: all)" field="placements" error={error}><input name="placements" value={f.placements} onChange={set('placements')} /></Field>
      <Field label="Categories (comma-separated; empty: every line)" field="categories" error={error}><input name="categories" value={f.categories} onChange={set('categories')} /></Field>
      <label className="check"><input type="checkbox" name="stackable" checked={f.stackable} onChange={(e) => setF({ ...f, stackable: e.target.checked })} /> Stackable with other stackable offers</label>
      <div className="form-actions">
        <button type="submit" disabled={busy}>{offer ? 'Save offer' : 'Create offer'}</button>
        <button type="button" className="secondary" onClick={() => onDone('')}>Cancel</button>
      </div>
      {error && (!error.field || !known.includes(error.field)) ? <ErrorBox error={new ApiError(400, 'invalid_request', error.message, error.field)} /> : null}
    </form>
  );
}

export function Offers({ me }: { me: Principal }) {
  const pager = usePager();
  const offers = useLoad(() => get<Paged<Offer>>(`/v1/offers${qs({ limit: PAGE, cursor: pager.cursor })}`), [pager.cursor]);
  const policy = useLoad(() => get<any>('/v1/offer-policy'), []);
  const [editing, setEditing] = useState<Offer | 'new'>();
  const [notice, setNotice] = useState<string>();
  const edit = can.editOffers(me);
  const done = (msg: string) => { setEditing(undefined); if (msg) { setNotice(msg); offers.reload(); } };
  return (
    <Page title="Offers and guardrails" actions={edit ? <button onClick={() => { setNotice(undefined); setEditing('new'); }}>New offer</button> : null}>
      {!edit ? <div className="muted" data-testid="read-only">Read only for your role ({me.role}).</div> : null}
      {notice ? <div className="ok" role="status">{notice}</div> : null}
      {editing ? <Card title={editing === 'new' ? 'New offer' : `Edit ${editing.name}`}><OfferForm key={editing === 'new' ? '_new' : editing.id} offer={editing === 'new' ? undefined : editing} onDone={done} /></Card> : null}
      <Card title="Offers">
        <Loading state={offers} />
        <table className="table" data-testid="offers"><thead><tr><th>Offer</th><th>Kind</th><th>Value</th><th>Eligibility</th><th>Min basket</th><th>Budget / day</th><th>Spent today</th><th>Cool-down</th><th>Status</th>{edit ? <th /> : null}</tr></thead>
          <tbody>{(offers.data?.items ?? []).map((o) => (
            <tr key={o.id}><td>{o.name}<div className="muted small">{o.id}</div></td><td>{o.kind}</td><td>{o.kind === 'percent_off' || o.kind === 'bundle' ? `${o.value}%` : o.kind === 'loyalty_points' ? `${o.value} pts` : money(o.value)}</td>
              <td>{o.eligibility?.customer}/{o.eligibility?.value}</td><td>{money(o.minBasket)}</td><td>{o.dailyBudget !== null ? money(o.dailyBudget) : 'none'}</td>
              <td>{money(o.spentToday)}</td><td>{o.cooldownDays} d</td><td><Badge tone={statusTone(o.status)}>{o.status}</Badge></td>
              {edit ? <td><button className="link" onClick={() => { setNotice(undefined); setEditing(o); }} aria-label={`Edit ${o.id}`}>Edit</button></td> : null}</tr>
          ))}</tbody></table>
        <Pager pager={pager} nextCursor={offers.data?.nextCursor} label="Offer pages" />
      </Card>
      <div className="grid2">
        <Card title="Offer governance"><Loading state={policy} />{policy.data ? <Json value={policy.data} /> : null}</Card>
        <Guardrails me={me} />
      </div>
    </Page>
  );
}
