import { useState, type FormEvent } from 'react';
import { get, qs, type Paged } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { Badge, Card, Empty, Json, Loading, Page, Pager, money, useLoad, usePager, when } from '../ui.tsx';

interface Summary { decisionId: string; profileId: string | null; placement: string; at: string; group: string; actionKeys: string[]; orderId: string | null; reward: number | null; viewedAt: string | null; clickedAt: string | null }

const PAGE = 25;

export function Decisions() {
  const { query } = useLocation();
  const shopper = query.get('shopper') ?? '';
  const placement = query.get('placement') ?? '';
  const worker = query.get('worker') ?? '';
  const pager = usePager();
  const [form, setForm] = useState({ shopper, placement, worker });
  // Workers are configuration (tens, not millions): the first 500 fill the filter.
  const workers = useLoad(() => get<Paged<any>>('/v1/workers?limit=500'), []);
  const placements = useLoad(() => get<{ items: any[] }>('/v1/placements'), []);
  // A worker's decisions carry its id as their campaign (context.source.campaignId), at every placement it decides at: found and paged on the server.
  const path = worker ? `/v1/workers/${encodeURIComponent(worker)}/decisions` : '/v1/decisions';
  const list = useLoad(() => get<Paged<Summary>>(`${path}${qs({ profile: shopper, placement, cursor: pager.cursor, limit: PAGE })}`), [path, shopper, placement, pager.cursor]);
  const search = (e: FormEvent) => {
    e.preventDefault(); pager.reset();
    navigate(`/decisions${qs(form)}`);
  };
  const items = list.data?.items ?? [];
  return (
    <Page title="Decision explorer">
      <form className="filters" onSubmit={search} aria-label="Search decisions">
        <label>Shopper<input name="shopper" placeholder="userId:…, email:…, prf_…" value={form.shopper} onChange={(e) => setForm({ ...form, shopper: e.target.value })} /></label>
        <label>Placement<select name="placement" value={form.placement} onChange={(e) => setForm({ ...form, placement: e.target.value })}>
          <option value="">any</option>{(placements.data?.items ?? []).map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
        </select></label>
        <label>Worker<select name="worker" value={form.worker} onChange={(e) => setForm({ ...form, worker: e.target.value })}>
          <option value="">any</option>{(workers.data?.items ?? []).map((w) => <option key={w.id} value={w.id}>{w.definition?.name ?? w.id}</option>)}
        </select></label>
        <button type="submit">Search</button>
      </form>
      <Loading state={list} />
      {list.data && items.length === 0 ? <Empty>No decisions match.</Empty> : null}
      {items.length > 0 ? (
        <table className="table" data-testid="decisions">
          <thead><tr><th>Decision</th><th>When</th><th>Placement</th><th>Shopper</th><th>Group</th><th>Chosen</th><th>Outcome</th></tr></thead>
          <tbody>{items.map((d) => (
            <tr key={d.decisionId}>
              <td><Link to={`/decisions/${d.decisionId}`}>{d.decisionId}</Link></td><td>{when(d.at)}</td><td>{d.placement}</td>
              <td>{d.profileId ? <Link to={`/shoppers/${d.profileId}`}>{d.profileId}</Link> : 'anonymous'}</td>
              <td><Badge tone={d.group === 'control' ? 'warn' : 'muted'}>{d.group}</Badge></td>
              <td>{d.actionKeys.join(', ')}</td>
              <td>{d.orderId ? `order ${money(d.reward)}` : d.clickedAt ? 'clicked' : d.viewedAt ? 'viewed' : '–'}</td>
            </tr>
          ))}</tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Decision pages" />
    </Page>
  );
}

export function DecisionDetail({ id }: { id: string }) {
  const d = useLoad(() => get<any>(`/v1/decisions/${encodeURIComponent(id)}`), [id]);
  if (!d.data) return <Page title={id}><Loading state={d} /></Page>;
  const x = d.data;
  const cols: string[] = x.explanation?.candidateColumns ?? ['key', 'expectedContribution', 'pConversion', 'basketMargin', 'giveaway'];
  const chosen = new Set((x.actions ?? []).map((a: any) => a.key));
  const candidates: any[][] = [...(x.explanation?.candidates ?? [])].sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  const removed: any[] = x.reasons?.removed ?? [];
  const consent = x.reasons?.consent;
  const o = x.outcome ?? {};
  return (
    <Page title={`Decision ${x.decisionId}`}>
      <div className="row muted">{when(x.at)} · placement <b>{x.placement}</b> · {x.profileId ? <Link to={`/shoppers/${x.profileId}`}>{x.profileId}</Link> : 'anonymous'} · model {x.modelVersion} · group <Badge>{x.assignment?.group}</Badge></div>
      <div className="grid2">
        <Card title="Chosen">
          <table className="table"><thead><tr><th>Slot</th><th>Action</th><th>Type</th><th>Exp. contribution</th><th>P(convert)</th><th>Propensity</th><th>Why</th></tr></thead>
            <tbody>{(x.actions ?? []).map((a: any) => <tr key={a.slot}><td>{a.slot}</td><td>{a.key}</td><td>{a.type}</td><td>{money(a.expectedContribution)}</td><td>{a.pConversion}</td><td>{a.propensity}</td><td>{a.why}</td></tr>)}</tbody></table>
        </Card>
        <Card title="Consent basis and outcome">
          <dl className="facts" data-testid="consent-basis">
            <dt>Personalization</dt><dd>{consent ? (consent.personalization ? 'allowed' : 'not allowed') : '–'}</dd>
            <dt>Basis</dt><dd>{consent?.basis ?? '–'}</dd>
            <dt>Record</dt><dd>{consent?.recordId ?? '–'}</dd>
            <dt>Viewed</dt><dd>{when(o.viewedAt)}</dd><dt>Clicked</dt><dd>{when(o.clickedAt)}</dd>
            <dt>Order</dt><dd>{o.orderId ? `${o.orderId} · reward ${money(o.reward)}` : 'none yet'}</dd>
          </dl>
        </Card>
      </div>
      <Card title={`Removed by guardrails (${removed.length})`}>
        {removed.length === 0 ? <Empty>No option was removed.</Empty> : (
          <table className="table" data-testid="removed"><thead><tr><th>Option</th><th>Rule</th><th>Detail</th></tr></thead>
            <tbody>{removed.map((r, i) => <tr key={i}><td>{r.key}</td><td><Badge tone="bad">{r.rule}</Badge></td><td>{r.detail}</td></tr>)}</tbody></table>
        )}
      </Card>
      <Card title={`Candidates and scores (${candidates.length})`}>
        <table className="table" data-testid="candidates"><thead><tr>{cols.map((c) => <th key={c}>{c}</th>)}</tr></thead>
          <tbody>{candidates.slice(0, 100).map((c, i) => <tr key={i} className={chosen.has(c[0]) ? 'chosen' : ''}>{c.map((v, j) => <td key={j}>{typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 4 }) : String(v)}</td>)}</tr>)}</tbody></table>
        {candidates.length > 100 ? <div className="muted small">Top 100 of {candidates.length} by expected contribution.</div> : null}
      </Card>
      <Card title="Features"><Json value={x.explanation?.features ?? {}} /></Card>
    </Page>
  );
}
