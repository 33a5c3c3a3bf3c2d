import { useState } from 'react';
import { api, ApiError, can, get, has, qs, type Paged, type Principal } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { AsOf, Badge, Card, Empty, ErrorBox, Loading, Page, Pager, num, statusTone, useLoad, usePager, useReport, when, type Interval } from '../ui.tsx';
import { ALL, LiftCell } from './worker-report.tsx';
import { WorkerUplift } from './uplift.tsx';
import { ArmsCard, experimentKeys } from './worker-arms.tsx';

interface Worker { id: string; status: string; version: number; definition: any; updatedAt: string; counts?: Record<string, number>; waitingByStep?: Record<string, number> }
export interface WorkerLift { id: string; name: string; status: string; units: { treated: number; holdout: number }; srmMismatch: boolean | null; incremental: { contributionPerShopper: Interval | null; contributionTotal: Interval | null } }

/** Every worker's lift against its holdout (and _all: against the global control group), by id. */
export function useWorkerLift() {
  const r = useReport<{ workers: WorkerLift[]; asOf?: string }>(has('/v1/reports/workers') ? '/v1/reports/workers' : undefined, []);
  return { ...r, byId: new Map((r.data?.workers ?? []).map((w) => [w.id, w])) };
}

const PAGE = 25;

export function Workers({ me }: { me: Principal }) {
  const pager = usePager();
  const list = useLoad(() => get<Paged<Worker>>(`/v1/workers${qs({ limit: PAGE, cursor: pager.cursor })}`), [pager.cursor]);
  const lift = useWorkerLift();
  const all = lift.byId.get(ALL);
  return (
    <Page title="Workers" actions={<><AsOf report={lift} />{can.edit(me) ? <button onClick={() => navigate('/workers/new')}>New worker from a playbook</button> : null}</>}>
      <Loading state={list} />
      {list.data && list.data.items.length === 0 && pager.page === 1 ? <Empty>No workers yet. {can.edit(me) ? <Link to="/workers/new">Create one from a playbook.</Link> : null}</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <table className="table" data-testid="workers">
          <thead><tr><th>Worker</th><th>State</th><th>Holdout</th><th>Waiting</th><th>Done</th><th>Exited</th><th>Lift / shopper vs holdout (95% CI)</th><th>Incremental contribution</th><th>Updated</th></tr></thead>
          <tbody>
            {list.data.items.map((w) => {
              const l = lift.byId.get(w.id);
              return (
                <tr key={w.id}>
                  <td><Link to={`/workers/${encodeURIComponent(w.id)}`}>{w.definition?.name ?? w.id}</Link><div className="muted small">{w.id} · v{w.version}</div></td>
                  <td><Badge tone={statusTone(w.status)}>{w.status}</Badge></td>
                  <td>{w.definition?.holdoutPct ?? 0}%</td>
                  <td>{num(w.counts?.waiting ?? 0)}</td><td>{num(w.counts?.done ?? 0)}</td><td>{num(w.counts?.exited ?? 0)}</td>
                  <td data-testid={`lift-${w.id}`}>{l ? <><LiftCell e={l.incremental.contributionPerShopper} /> <Link to={`/workers/${encodeURIComponent(w.id)}/report`}>report</Link><div className="muted small">{num(l.units.treated)} treated · {num(l.units.holdout)} held out{l.srmMismatch ? ' · split mismatch' : ''}</div></> : lift.loading ? '…' : '–'}</td>
                  <td>{l ? <LiftCell e={l.incremental.contributionTotal} /> : '–'}</td>
                  <td>{when(w.updatedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
      {all ? <div className="muted small">All workers together vs the global control group: <LiftCell e={all.incremental.contributionTotal} /> incremental contribution · <Link to={`/workers/${ALL}/report`}>report</Link></div> : null}
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
export function StepsView({ steps, errorField, counts, onPick, picked }: { steps: any[]; errorField?: string | undefined; counts?: Map<number, number>; onPick?: (step: number) => void; picked?: number | undefined }) {
  const bad = errorField?.match(/^steps(?:\[|\.|\/)(\d+)/)?.[1];
  return (
    <ol className="flow" aria-label="Steps">
      {steps.map((s, i) => (
        <li key={s.id ?? i} className={`step step-${s.type} ${String(i) === bad ? 'step-error' : ''} ${picked === i ? 'step-picked' : ''}`}>
          <div className="step-type">{s.type}</div>
          <div className="step-id">{s.id}</div>
          <div className="muted small">{describeStep(s)}</div>
          {counts && onPick && (counts.get(i) ?? 0) > 0 ? <button className="link step-count" title="List the journeys waiting to run this step" onClick={() => onPick(i)}>{num(counts.get(i) ?? 0)} waiting to run</button> : null}
          {counts && !(onPick && (counts.get(i) ?? 0) > 0) ? <div className="step-count" title="Waiting journeys whose next step this is (after a wait, the step that follows it)">{num(counts.get(i) ?? 0)} waiting to run</div> : null}
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
  const pager = usePager();
  // The journeys waiting before one step (a step's count clicked), or before any.
  const [step, setStep] = useState<number>();
  const pickStep = (s: number | undefined) => { pager.reset(); setStep(s); };
  const inst = useLoad(can.readShoppers(me) ? () => get<Paged<any>>(`/v1/workers/${encodeURIComponent(id)}/instances${qs({ state: 'waiting', step, limit: PAGE, cursor: pager.cursor })}`) : undefined, [id, step, pager.cursor]);
  const [doc, setDoc] = useState<string>();
  const [error, setError] = useState<ApiError | Error>();
  const [saved, setSaved] = useState<string>();
  if (!w.data) return <Page title={id}><Loading state={w} /></Page>;
  const worker = w.data;
  const text = doc ?? JSON.stringify(worker.definition, null, 2);
  let parsed: any; let parseError: string | undefined;
  try { parsed = JSON.parse(text); } catch (e) { parseError = (e as Error).message; }
  const counts = new Map<number, number>(Object.entries(worker.waitingByStep ?? {}).map(([k, v]) => [Number(k), v]));
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
        <StepsView steps={parsed?.steps ?? worker.definition?.steps ?? []} errorField={field} counts={counts} onPick={can.readShoppers(me) ? pickStep : undefined} picked={step} />
        <div className="muted small">Journeys: {num(worker.counts?.waiting ?? 0)} waiting, {num(worker.counts?.done ?? 0)} done, {num(worker.counts?.exited ?? 0)} exited</div>
      </Card>
      <Card title="Definition">
        <textarea className="code" aria-label="Worker definition" spellCheck={false} readOnly={!edit} value={text} onChange={(e) => { setDoc(e.target.value); setSaved(undefined); }} rows={Math.min(40, text.split('\n').length + 1)} />
        {parseError ? <div className="error" role="alert">Not valid JSON: {parseError}</div> : null}
        {error ? <div className="error" role="alert" data-testid="definition-error">{field ? <b>{field}: </b> : null}{error.message}</div> : null}
        {saved ? <div className="ok" role="status">{saved}</div> : null}
        {edit ? <button disabled={!!parseError || doc === undefined} onClick={save}>Save as a new version</button> : null}
      </Card>
      <Card title={step === undefined ? 'Waiting journeys' : <>Journeys waiting to run step {worker.definition?.steps?.[step]?.id ?? step} <button className="link" onClick={() => pickStep(undefined)}>all steps</button></>}>
        {!can.readShoppers(me) ? <Empty>Your role ({me.role}) does not see per-shopper journeys.</Empty> : null}
        {inst.data && inst.data.items.length === 0 ? <Empty>No journey is waiting.</Empty> : null}
        {inst.data && inst.data.items.length > 0 ? (
          <table className="table" data-testid="journeys"><thead><tr><th>Journey</th><th>Shopper</th><th>Step</th><th>Entered</th><th>Wakes</th><th>Holdout</th><th>Arms</th></tr></thead>
            <tbody>{inst.data.items.map((i) => (
              <tr key={i.id}><td>{i.id}</td><td><Link to={`/shoppers/${encodeURIComponent(i.profileId)}`}>{i.profileId}</Link></td>
                <td>{worker.definition?.steps?.[i.step]?.id ?? i.step}</td><td>{when(i.enteredAt)}</td><td>{when(i.wakeAt)}</td><td>{i.holdout ?? '–'}</td><td>{i.arms ? Object.entries(i.arms).map(([k, v]) => `${k}: ${String(v)}`).join(', ') : '–'}</td></tr>
            ))}</tbody></table>
        ) : null}
        {can.readShoppers(me) ? <Pager pager={pager} nextCursor={inst.data?.nextCursor} label="Journey pages" /> : null}
      </Card>
      {has('/v1/reports/workers/{id}') ? <WorkerLiftCard id={id} /> : null}
      {has('/v1/reports/workers/{id}/uplift') && worker.definition?.entry?.uplift ? <WorkerUplift id={id} /> : null}
      {has('/v1/reports/workers/{id}/arms') && experimentKeys(worker.definition?.steps).length > 0 ? <ArmsCard id={id} keys={experimentKeys(worker.definition?.steps)} /> : null}
    </Page>
  );
}

/** The headline of the worker's report, linking to the whole report. */
function WorkerLiftCard({ id }: { id: string }) {
  const lift = useWorkerLift();
  const l = lift.byId.get(id);
  return (
    <Card title={<>Lift vs holdout<AsOf report={lift} /></>}>
      <Loading state={lift} />
      {l ? <div className="row"><span>Contribution per shopper entered: <LiftCell e={l.incremental.contributionPerShopper} /></span><span>Incremental contribution: <LiftCell e={l.incremental.contributionTotal} /></span>
        <span className="muted small">{num(l.units.treated)} treated · {num(l.units.holdout)} held out</span></div> : lift.data ? <Empty>No report yet.</Empty> : null}
      <Link to={`/workers/${encodeURIComponent(id)}/report`}>Open the full report (metrics, cohorts, over time)</Link>
    </Card>
  );
}
