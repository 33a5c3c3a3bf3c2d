import { useState } from 'react';
import { get, has, qs, type Paged } from '../api.ts';
import { Link } from '../router.tsx';
import { Card, Empty, Loading, Page, Pager, num, useLoad, usePager, when } from '../ui.tsx';
import { ExperimentUplift } from './uplift.tsx';

function Report({ experiment }: { experiment: any }) {
  const id = experiment.id as string;
  const r = useLoad(() => get<any>(`/v1/reports/experiments/${encodeURIComponent(id)}`), [id]);
  if (!r.data) return <Loading state={r} />;
  const rep = r.data.report ?? r.data;
  return (
    <div>
      {(rep.metrics ?? []).map((m: any) => (
        <table key={m.metric} className="table"><thead><tr><th>{m.metric}</th><th>n</th><th>mean</th><th>lift vs {rep.control}</th><th>95% CI</th><th>p</th></tr></thead>
          <tbody>{(m.arms ?? []).map((a: any) => {
            const c = (m.comparisons ?? []).find((x: any) => x.arm === a.arm);
            return <tr key={a.arm}><td>{a.arm}</td><td>{num(a.n)}</td><td>{a.mean?.toFixed(4)}</td><td>{c ? c.absolute.estimate.toFixed(4) : '–'}</td><td>{c ? `[${c.absolute.ciLow.toFixed(4)}, ${c.absolute.ciHigh.toFixed(4)}]` : '–'}</td><td>{c ? c.absolute.pValue.toFixed(3) : '–'}</td></tr>;
          })}</tbody></table>
      ))}
      {rep.srm ? <div className="muted small">Sample ratio check: p = {Number(rep.srm.pValue).toFixed(3)}{rep.srm.mismatch ? ' — mismatch!' : ''}</div> : null}
      {has('/v1/reports/experiments/{id}/uplift') ? <ExperimentUplift experiment={experiment} /> : null}
    </div>
  );
}

export function Experiments() {
  const list = useLoad(() => get<{ experiments: any[] }>('/v1/reports/experiments'), []);
  const pager = usePager();
  const workers = useLoad(() => get<Paged<any>>(`/v1/workers${qs({ limit: 25, cursor: pager.cursor })}`), [pager.cursor]);
  const [open, setOpen] = useState<string>();
  return (
    <Page title="Experiments and holdouts">
      <Card title="Holdouts">
        <p className="muted small">Every decision and journey keeps a persistent global control group; each worker also holds out its own share of entrants, so its lift is measured from day one.</p>
        <Loading state={workers} />
        <table className="table"><thead><tr><th>Worker</th><th>Holdout</th><th>Goal</th><th>Report</th></tr></thead>
          <tbody>{(workers.data?.items ?? []).map((w) => <tr key={w.id}><td>{w.definition?.name ?? w.id}</td><td>{w.definition?.holdoutPct ?? 0}%</td><td>{w.definition?.goal?.metric} on {w.definition?.goal?.event}</td>
            <td><Link to={`/workers/${encodeURIComponent(w.id)}/report`}>lift vs holdout</Link></td></tr>)}</tbody></table>
        <Pager pager={pager} nextCursor={workers.data?.nextCursor} label="Holdout pages" />
        <Link to="/workers/_all/report">All workers vs the global control group</Link>
      </Card>
      <Card title="Imported experiments">
        <Loading state={list} />
        {list.data && list.data.experiments.length === 0 ? <Empty>No experiment imported yet (<code>braid import experiment FILE</code>).</Empty> : null}
        <table className="table"><tbody>{(list.data?.experiments ?? []).map((e) => (
          <tr key={e.id}><td><button className="link" onClick={() => setOpen(e.id)}>{e.name}</button></td><td>{num(e.units)} units</td><td>{e.arms.map((a: any) => `${a.arm} (${a.units})`).join(', ')}</td><td>{when(e.createdAt)}</td></tr>
        ))}</tbody></table>
        {open && list.data?.experiments.find((e) => e.id === open) ? <Report key={open} experiment={list.data.experiments.find((e) => e.id === open)} /> : null}
      </Card>
    </Page>
  );
}
