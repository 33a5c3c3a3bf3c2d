import { useState, type FormEvent } from 'react';
import { get, has, qs } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { Badge, Card, Empty, Json, Loading, Page, Pager, money, num, statusTone, useLoad, usePaged, usePager, when } from '../ui.tsx';

interface Hit { profileId: string; userId: string | null; email: string | null; name: string | null; matched: { type: string; value: string } | null; lastSeenAt: string; eventCount: number; orderCount: number; revenue: number }

export function Shoppers() {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const [text, setText] = useState(q);
  const pager = usePager();
  const list = useLoad(() => get<{ items: Hit[]; nextCursor: string | null }>(`/v1/profiles${qs({ q, cursor: pager.cursor, limit: 25 })}`), [q, pager.cursor]);
  const search = (e: FormEvent) => { e.preventDefault(); pager.reset(); navigate(`/shoppers${qs({ q: text.trim() })}`); };
  return (
    <Page title="Shoppers">
      <form className="filters" onSubmit={search} aria-label="Search shoppers">
        <label>Search<input name="q" placeholder="email, user id, phone, loyalty id or prf_…" value={text} onChange={(e) => setText(e.target.value)} /></label>
        <button type="submit">Search</button>
      </form>
      <Loading state={list} />
      {list.data && list.data.items.length === 0 ? <Empty>No shopper matches{q ? ` “${q}”` : ''}.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <table className="table" data-testid="shoppers">
          <thead><tr><th>Shopper</th><th>Matched</th><th>Last seen</th><th>Events</th><th>Orders</th><th>Revenue</th></tr></thead>
          <tbody>{list.data.items.map((h, i) => (
            <tr key={`${h.profileId}-${i}`}>
              <td><Link to={`/shoppers/${h.profileId}`}>{h.name ?? h.email ?? h.userId ?? h.profileId}</Link><div className="muted small">{h.profileId}</div></td>
              <td>{h.matched ? `${h.matched.type}: ${h.matched.value}` : h.email ?? '–'}</td>
              <td>{when(h.lastSeenAt)}</td><td>{num(h.eventCount)}</td><td>{num(h.orderCount)}</td><td>{money(h.revenue)}</td>
            </tr>
          ))}</tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
    </Page>
  );
}

const enc = encodeURIComponent;

/** Rows per page of each of the 360's lists (the server pages them: a long history never loads whole). */
const SUB = 10;

export function Shopper({ refId }: { refId: string }) {
  const p = useLoad(() => get<any>(`/v1/profiles/${enc(refId)}`), [refId]);
  const id = p.data?.id as string | undefined;
  const traits = useLoad(id ? () => get<any>(`/v1/profiles/${id}/traits`) : undefined, [id]);
  const prefs = useLoad(id ? () => get<any>(`/v1/profiles/${id}/preferences`) : undefined, [id]);
  const paged = has('/v1/profiles/{ref}/identities');
  const identities = usePaged<any>(id && paged ? `/v1/profiles/${id}/identities${qs({ limit: SUB })}` : undefined);
  const history = usePaged<any>(id ? `/v1/profiles/${id}/consent/history${qs({ limit: SUB })}` : undefined, 'records');
  const events = usePaged<any>(id ? `/v1/profiles/${id}/events${qs({ limit: 25 })}` : undefined, 'events');
  const decisions = usePaged<any>(id ? `/v1/profiles/${id}/decisions${qs({ limit: SUB })}` : undefined);
  const messages = usePaged<any>(id ? `/v1/messages${qs({ ref: id, limit: SUB })}` : undefined);
  if (!p.data) return <Page title={refId}><Loading state={p} /></Page>;
  const x = p.data;
  const t = x.traits ?? {};
  const title = [t.firstName, t.lastName].filter(Boolean).join(' ') || t.name || t.email || x.id;
  const evs: any[] = events.list.data?.items ?? [];
  const ids: any[] = paged ? identities.list.data?.items ?? [] : x.identities ?? [];
  const setPrefs = Object.values(prefs.data?.preferences ?? {}).filter((v: any) => v.value !== null) as any[];
  return (
    <Page title={title}>
      <div className="row muted" data-testid="shopper-id">{x.id} · first seen {when(x.firstSeenAt)} · last seen {when(x.lastSeenAt)} · {num(x.eventCount)} events · {num(x.orders?.count)} orders · {money(x.orders?.revenue)}</div>
      <div className="grid2">
        <Card title="Identities and merges">
          <table className="table" data-testid="identities"><thead><tr><th>Type</th><th>Value</th><th>First seen</th></tr></thead>
            <tbody>{ids.map((i: any) => <tr key={`${i.type}:${i.value}`}><td>{i.type}</td><td>{i.value}</td><td>{when(i.firstSeenAt)}</td></tr>)}</tbody></table>
          {paged ? <Pager pager={identities.pager} nextCursor={identities.list.data?.nextCursor} label="Identity pages" /> : null}
          {(x.merges ?? []).length === 0 ? <div className="muted small">No merges.</div> : (
            <ul className="plain">{x.merges.map((m: any) => <li key={m.id}>{when(m.at ?? m.mergedAt)}: {m.fromProfile ?? m.from} → {m.intoProfile ?? m.into} ({m.reason})</li>)}</ul>
          )}
          {(x.conflicts ?? []).length > 0 ? <div className="muted small">{x.conflicts.length} links refused by the merge rules.</div> : null}
        </Card>
        <Card title="Consent">
          <table className="table" data-testid="consent"><thead><tr><th>Purpose</th><th>Status</th><th>Why</th></tr></thead>
            <tbody>{Object.values(x.consent?.purposes ?? x.consent ?? {}).filter((c: any) => c && typeof c === 'object' && 'purpose' in c).map((c: any) => (
              <tr key={c.purpose}><td>{c.purpose}</td><td><Badge tone={c.allowed ? 'good' : 'bad'}>{c.status}</Badge></td><td className="small">{c.reason}</td></tr>
            ))}</tbody></table>
          <h3>History</h3>
          {history.list.data && history.list.data.items.length === 0 ? <div className="muted small">Nothing recorded: the defaults apply.</div> : null}
          <ul className="plain small" data-testid="consent-history">{(history.list.data?.items ?? []).map((r: any) => <li key={r.id} data-id={r.id}>{when(r.at)} · {r.purpose} <Badge tone={statusTone(r.status)}>{r.status}</Badge> via {r.source}</li>)}</ul>
          <Pager pager={history.pager} nextCursor={history.list.data?.nextCursor} label="Consent history pages" newest />
        </Card>
      </div>
      <div className="grid2">
        <Card title="Traits">
          <dl className="facts">{Object.entries(t).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)} <span className="muted small">{x.traitSources?.[k] ? `via ${x.traitSources[k].call} ${when(x.traitSources[k].at)}` : ''}</span></dd></div>)}</dl>
          <h3>Computed</h3>
          {traits.data ? <dl className="facts">
            <dt>Lifecycle</dt><dd>{traits.data.lifecycle}</dd><dt>Customer</dt><dd>{traits.data.customerType} · value {traits.data.valueTier}</dd>
            <dt>RFM</dt><dd>{traits.data.rfm?.cell}</dd><dt>CLV</dt><dd>{money(traits.data.clv?.expectedValue)}</dd>
            <dt>Price tier</dt><dd>{traits.data.priceTier}</dd><dt>Best send hour</dt><dd>{traits.data.bestSendHour ?? '–'}</dd>
            <dt>Categories</dt><dd>{(traits.data.preferredCategories ?? []).map((c: any) => `${c.category} ${(c.share * 100).toFixed(0)}%`).join(', ') || '–'}</dd>
          </dl> : <Loading state={traits} />}
        </Card>
        <Card title="Preferences">
          {prefs.data && setPrefs.length === 0 ? <Empty>No preference known yet ({Object.keys(prefs.data.preferences ?? {}).length} variables tracked).</Empty> : null}
          {setPrefs.length > 0 ? <table className="table"><thead><tr><th>Preference</th><th>Value</th><th>Confidence</th><th>Sources</th></tr></thead>
            <tbody>{setPrefs.map((v) => <tr key={v.variable}><td>{v.variable}</td><td>{String(v.value)}</td><td>{v.confidence}</td><td className="small">{(v.sources ?? []).map((s: any) => s.kind ?? s.source ?? JSON.stringify(s)).join(', ')}</td></tr>)}</tbody></table> : null}
        </Card>
      </div>
      <Card title="Timeline">
        <Loading state={events.list} />
        {events.list.data && evs.length === 0 ? <Empty>No events.</Empty> : null}
        <table className="table" data-testid="timeline"><tbody>{evs.map((e) => <tr key={e.seq}><td>{when(e.at)}</td><td>{e.name}</td><td className="muted small">#{e.seq}</td></tr>)}</tbody></table>
        <Pager pager={events.pager} nextCursor={events.list.data?.nextCursor} label="Timeline pages" newest />
      </Card>
      <div className="grid2">
        <Card title="Decisions">
          {decisions.list.data && decisions.list.data.items.length === 0 ? <Empty>No decisions for this shopper.</Empty> : null}
          <ul className="plain" data-testid="shopper-decisions">{(decisions.list.data?.items ?? []).map((d: any) => <li key={d.decisionId}><Link to={`/decisions/${d.decisionId}`}>{when(d.at)} · {d.placement}</Link> → {d.actionKeys.join(', ')}</li>)}</ul>
          <Pager pager={decisions.pager} nextCursor={decisions.list.data?.nextCursor} label="Decision pages" newest />
        </Card>
        <Card title="Messages">
          {messages.list.data && messages.list.data.items.length === 0 ? <Empty>No messages sent to this shopper.</Empty> : null}
          <ul className="plain" data-testid="shopper-messages">{(messages.list.data?.items ?? []).map((m: any) => <li key={m.id}>{when(m.createdAt ?? m.at)} · {m.channel} <Badge tone={statusTone(m.status)}>{m.status}</Badge> {m.workerId ?? ''}</li>)}</ul>
          <Pager pager={messages.pager} nextCursor={messages.list.data?.nextCursor} label="Message pages" newest />
        </Card>
      </div>
      <Card title="Cart and recent views"><Json value={{ cart: x.cart, recentViews: (x.recentViews ?? []).slice(0, 10) }} /></Card>
    </Page>
  );
}
