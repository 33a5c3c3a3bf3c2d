import { useState } from 'react';
import { api, ApiError, can, get, has, type Principal } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { Badge, Card, Empty, ErrorBox, Json, Loading, Page, num, statusTone, useLoad, when } from '../ui.tsx';

interface Worker { id: string; status: string; version: number; definition: any; updatedAt: string; counts?: Record<string, number> }
interface WorkerReport { workerId?: string; id?: string; lift?: { estimate: number; ciLow: number; ciHigh: number } | null; [k: string]: unknown }

/** Lift per worker from the worker reports, when the server has them. */
function useWorkerLift() {
  return useLoad(has('/v1/reports/workers') ? () => get<{ items: WorkerReport[] }>('/v1/reports/workers') : undefined, []);
}
export function liftOf(r: WorkerReport | undefined): string {
  const l = r?.lift as any;
  if (!l || typeof l !== 'object') return '–';
  const est = l.estimate ?? l.absolute?.estimate;
  return typeof est === 'number' ? `${est >= 0 ? '+' : ''}${est.toFixed(2)} /shopper` : '–';
}

export function Workers({ me }: { me: Principal }) {
  const list = useLoad(() => get<{ items: Worker[] }>('/v1/workers'), []);
  const reports = useWorkerLift();
  const byId = new Map((reports.data?.items ?? []).map((r) => [r.workerId ?? r.id, r]));
  return (
    <Page title="Workers" actions={can.edit(me) ? <button onClick={() => navigate('/workers/new')}>New worker from a playbook</button> : null}>
      <Loading state={list} />
      {list.data && list.data.items.length === 0 ? <Empty>No workers yet. {can.edit(me) ? <Link to="/workers/new">Create one from a playbook.</Link> : null}</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <table className="table" data-testid="workers">
          <thead><tr><th>Worker</th><th>State</th><th>Holdout</th><th>Waiting</th><th>Done</th><th>Exited</th><th>Lift (contribution)</th><th>Updated</th></tr></thead>
          <tbody>
            {list.data.items.map((w) => (
              <tr key={w.id}>
                <td><Link to={`/workers/${encodeURIComponent(w.id)}`}>{w.definition?.name ?? w.id}</Link><div className="muted small">{w.id} · v{w.version}</div></td>
                <td><Badge tone={statusTone(w.status)}>{w.status}</Badge></td>
                <td>{w.definition?.holdoutPct ?? 0}%</td>
                <td>{num(w.counts?.waiting ?? 0)}</td><td>{num(w.counts?.done ?? 0)}</td><td>{num(w.counts?.exited ?? 0)}</td>
                <td>{liftOf(byId.get(w.id))}</td>
                <td>{when(w.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}

export function NewWorker({ me }: { me: Principal }) {
  const books = useLoad(() => get<{ items: any[] }>('/v1/playbooks'), []);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState<string>();
  if (!can.edit(me)) return <Page title="New worker"><Empty>Your role ({me.role}) cannot create workers.</Empty></Page>;
  const install = async (name: string) => {
    setBusy(name); setError(undefined);
    try {
      const w = await api<Worker>('POST', `/v1/playbooks/${encodeURIComponent(name)}/install`, {});
      navigate(`/workers/${encodeURIComponent(w.id)}`);
    } catch (e) { setError(e as Error); } finally { setBusy(undefined); }
  };
  return (
    <Page title="New worker from a playbook">
      <p className="muted">A playbook installs as a worker that is <b>off</b>: review its steps, then turn it on.</p>
      <ErrorBox error={error} />
      <Loading state={books} />
      <div className="grid">
        {(books.data?.items ?? []).map((b) => (
          <Card key={b.playbook ?? b.id} title={b.name}>
            <p>{b.description}</p>
            <StepsView steps={b.steps ?? []} />
            <div className="muted small">Owner {b.owner} · risk {b.riskTier} · holdout {b.holdoutPct}%</div>
            <button disabled={!!busy} onClick={() => install(b.playbook ?? b.id)} data-playbook={b.playbook ?? b.id}>
              {busy === (b.playbook ?? b.id) ? 'Installing…' : `Install ${b.name}`}
            </button>
          </Card>
        ))}
      </div>
    </Page>
  );
}

/** The steps of a worker as a flow: one box per step, errors of a step shown on it. */
export function StepsView({ steps, errorField, counts }: { steps: any[]; errorField?: string | undefined; counts?: Map<number, number> }) {
  const bad = errorField?.match(/^steps(?:\[|\.|\/)(\d+)/)?.[1];
  return (
    <ol className="flow" aria-label="Steps">
      {steps.map((s, i) => (
        <li key={s.id ?? i} className={`step step-${s.type} ${String(i) === bad ? 'step-error' : ''}`}>
          <div className="step-type">{s.type}</div>
          <div className="step-id">{s.id}</div>
          <div className="muted small">{describeStep(s)}</div>
          {counts ? <div className="step-count" title="Journeys waiting at this step">{num(counts.get(i) ?? 0)} waiting</div> : null}
        </li>
      ))}
    </ol>
  );
}

function describeStep(s: any): string {
  switch (s.type) {
    case 'decide': return `placement ${s.placement}`;
    case 'send': return `${s.channel}${s.channels ? ` (${s.channels.join(', ')})` : ''} · ${s.template ?? ''}`;
    case 'wait': return `for ${s.duration ?? s.for ?? ''}`;
    case 'wait_for_event': return `${s.event}, timeout ${s.timeout}`;
    default: return Object.entries(s).filter(([k]) => k !== 'id' && k !== 'type').map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
  }
}

export function WorkerDetail({ id, me }: { id: string; me: Principal }) {
  const w = useLoad(() => get<Worker>(`/v1/workers/${encodeURIComponent(id)}`), [id]);
  const inst = useLoad(can.readShoppers(me) ? () => get<{ items: any[] }>(`/v1/workers/${encodeURIComponent(id)}/instances?state=waiting&limit=1000`) : undefined, [id]);
  const [doc, setDoc] = useState<string>();
  const [error, setError] = useState<ApiError | Error>();
  const [saved, setSaved] = useState<string>();
  if (!w.data) return <Page title={id}><Loading state={w} /></Page>;
  const worker = w.data;
  const text = doc ?? JSON.stringify(worker.definition, null, 2);
  let parsed: any; let parseError: string | undefined;
  try { parsed = JSON.parse(text); } catch (e) { parseError = (e as Error).message; }
  const counts = new Map<number, number>();
  for (const i of inst.data?.items ?? []) counts.set(i.step, (counts.get(i.step) ?? 0) + 1);
  const setStatus = async (status: string) => {
    setError(undefined);
    try { await api('POST', `/v1/workers/${encodeURIComponent(id)}/status`, { status }); w.reload(); inst.reload(); } catch (e) { setError(e as Error); }
  };
  const save = async () => {
    setError(undefined); setSaved(undefined);
    try {
      const r = await api<Worker>('PUT', `/v1/workers/${encodeURIComponent(id)}`, parsed);
      setSaved(`Saved as version ${r.version}`); setDoc(undefined); w.reload();
    } catch (e) { setError(e as Error); }
  };
  const field = error instanceof ApiError ? error.field : undefined;
  const edit = can.edit(me);
  return (
    <Page title={worker.definition?.name ?? id} actions={edit ? (
      <>
        {worker.status !== 'on' ? <button onClick={() => setStatus('on')}>{worker.status === 'paused' ? 'Resume' : 'Turn on'}</button> : null}
        {worker.status === 'on' ? <button onClick={() => setStatus('paused')}>Pause</button> : null}
        {worker.status !== 'off' ? <button className="secondary" onClick={() => setStatus('off')}>Turn off</button> : null}
      </>
    ) : null}>
      <div className="row">
        <Badge tone={statusTone(worker.status)}>{worker.status}</Badge>
        <span className="muted">{worker.id} · version {worker.version} · holdout {worker.definition?.holdoutPct ?? 0}% · updated {when(worker.updatedAt)}{worker.updatedAt ? '' : ''}</span>
      </div>
      <p>{worker.definition?.description}</p>
      <Card title="Steps">
        <StepsView steps={parsed?.steps ?? worker.definition?.steps ?? []} errorField={field} counts={counts} />
        <div className="muted small">Journeys: {num(worker.counts?.waiting ?? 0)} waiting, {num(worker.counts?.done ?? 0)} done, {num(worker.counts?.exited ?? 0)} exited{(inst.data?.items.length ?? 0) >= 1000 ? ' (step counts from the newest 1,000)' : ''}</div>
      </Card>
      <Card title="Definition">
        <textarea className="code" aria-label="Worker definition" spellCheck={false} readOnly={!edit} value={text} onChange={(e) => { setDoc(e.target.value); setSaved(undefined); }} rows={Math.min(40, text.split('\n').length + 1)} />
        {parseError ? <div className="error" role="alert">Not valid JSON: {parseError}</div> : null}
        {error ? <div className="error" role="alert" data-testid="definition-error">{field ? <b>{field}: </b> : null}{error.message}</div> : null}
        {saved ? <div className="ok" role="status">{saved}</div> : null}
        {edit ? <button disabled={!!parseError || doc === undefined} onClick={save}>Save as a new version</button> : null}
      </Card>
      <Card title="Waiting journeys">
        {inst.data && inst.data.items.length === 0 ? <Empty>No journey is waiting.</Empty> : null}
        {inst.data && inst.data.items.length > 0 ? (
          <table className="table"><thead><tr><th>Journey</th><th>Shopper</th><th>Step</th><th>Wakes</th><th>Holdout</th></tr></thead>
            <tbody>{inst.data.items.slice(0, 50).map((i) => (
              <tr key={i.id}><td>{i.id}</td><td><Link to={`/shoppers/${encodeURIComponent(i.profileId)}`}>{i.profileId}</Link></td>
                <td>{worker.definition?.steps?.[i.step]?.id ?? i.step}</td><td>{when(i.wakeAt)}</td><td>{i.holdout ?? '–'}</td></tr>
            ))}</tbody></table>
        ) : null}
      </Card>
      {has('/v1/reports/workers/{id}') ? <WorkerReportCard id={id} /> : null}
    </Page>
  );
}

function WorkerReportCard({ id }: { id: string }) {
  const r = useLoad(() => get(`/v1/reports/workers/${encodeURIComponent(id)}`), [id]);
  return <Card title="Report"><Loading state={r} />{r.data ? <Json value={r.data} /> : null}</Card>;
}
