import { can, get, type Principal } from '../api.ts';
import { Badge, Card, Json, Loading, Page, money, statusTone, useLoad } from '../ui.tsx';

export function Offers({ me }: { me: Principal }) {
  const offers = useLoad(() => get<{ items: any[] }>('/v1/offers'), []);
  const policy = useLoad(() => get<any>('/v1/offer-policy'), []);
  const guard = useLoad(() => get<any>('/v1/guardrails'), []);
  return (
    <Page title="Offers and guardrails">
      {!can.edit(me) ? <div className="muted">Read only for your role ({me.role}).</div> : null}
      <Card title="Offers">
        <Loading state={offers} />
        <table className="table" data-testid="offers"><thead><tr><th>Offer</th><th>Kind</th><th>Value</th><th>Eligibility</th><th>Min basket</th><th>Budget / day</th><th>Spent today</th><th>Cool-down</th><th>Status</th></tr></thead>
          <tbody>{(offers.data?.items ?? []).map((o) => (
            <tr key={o.id}><td>{o.name}<div className="muted small">{o.id}</div></td><td>{o.kind}</td><td>{o.kind === 'percent_off' ? `${o.value}%` : o.kind === 'loyalty_points' ? `${o.value} pts` : money(o.value)}</td>
              <td>{o.eligibility?.customer}/{o.eligibility?.value}</td><td>{money(o.minBasket)}</td><td>{o.dailyBudget ? money(o.dailyBudget) : 'none'}</td>
              <td>{money(o.spentToday)}</td><td>{o.cooldownDays} d</td><td><Badge tone={statusTone(o.status)}>{o.status}</Badge></td></tr>
          ))}</tbody></table>
      </Card>
      <div className="grid2">
        <Card title="Offer governance"><Loading state={policy} />{policy.data ? <Json value={policy.data} /> : null}</Card>
        <Card title="Contact guardrails (all workers)">
          <Loading state={guard} />
          {guard.data ? <>
            <table className="table"><thead><tr><th>Channel</th><th>At most</th><th>Per</th></tr></thead>
              <tbody>{guard.data.caps.map((c: any, i: number) => <tr key={i}><td>{c.channel}</td><td>{c.max}</td><td>{c.period}</td></tr>)}</tbody></table>
            <dl className="facts"><dt>Quiet hours</dt><dd>{guard.data.quietHours.start}:00 to {guard.data.quietHours.end}:00 local</dd>
              <dt>Minimum gap</dt><dd>{guard.data.minGapMinutes} min</dd><dt>Paid-media suppression</dt><dd>{guard.data.paidSuppressionHours} h</dd>
              <dt>Default time zone</dt><dd>{guard.data.defaultTimezone}</dd></dl>
          </> : null}
        </Card>
      </div>
    </Page>
  );
}
