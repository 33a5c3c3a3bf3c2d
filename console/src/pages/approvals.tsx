import { useState } from 'react';
import { api, can, get, has, qs, type Principal } from '../api.ts';
import { Badge, Card, Empty, ErrorBox, Json, Loading, Page, statusTone, useLoad, when } from '../ui.tsx';

/** One channel's rendered preview: email HTML in a sandboxed frame (no scripts), texts as text. */
function Preview({ channel, value }: { channel: string; value: any }) {
  if (typeof value === 'string') return <div className="preview"><h3>{channel}</h3><pre className="wrap">{value}</pre></div>;
  const html = value?.html;
  return (
    <div className="preview" data-channel={channel}>
      <h3>{channel}</h3>
      {value?.subject ? <div><b>Subject:</b> {value.subject}</div> : null}
      {value?.preheader ? <div className="muted small">{value.preheader}</div> : null}
      {value?.title ? <div><b>{value.title}</b></div> : null}
      {value?.text || value?.body ? <pre className="wrap">{value.text ?? value.body}</pre> : null}
      {html ? <iframe title={`${channel} preview`} sandbox="" srcDoc={html} className="frame" /> : null}
    </div>
  );
}

function QaResults({ qa }: { qa: any }) {
  if (!qa) return <div className="muted small">No QA results.</div>;
  const issues: any[] = qa.issues ?? qa.findings ?? qa.results ?? [];
  return (
    <div data-testid="qa">
      <Badge tone={qa.passed === false || qa.ok === false ? 'bad' : 'good'}>{qa.passed === false || qa.ok === false ? 'QA failed' : 'QA passed'}</Badge>
      {issues.length > 0 ? <ul className="plain small">{issues.map((i, n) => <li key={n}><Badge tone={i.severity === 'error' ? 'bad' : 'warn'}>{i.severity ?? i.level ?? 'note'}</Badge> {i.rule ?? i.check ?? ''} {i.message ?? i.detail ?? ''}</li>)}</ul> : null}
    </div>
  );
}

function ApprovalDetail({ id, me, onDone }: { id: string; me: Principal; onDone(): void }) {
  const a = useLoad(() => get<any>(`/v1/approvals/${encodeURIComponent(id)}`), [id]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  if (!a.data) return <Loading state={a} />;
  const x = a.data;
  const previews: Record<string, unknown> = x.preview ?? x.previews ?? {};
  const decide = async (verb: 'approve' | 'reject') => {
    setBusy(true); setError(undefined);
    try { await api('POST', `/v1/approvals/${encodeURIComponent(id)}/${verb}`, { comment }); onDone(); } catch (e) { setError(e as Error); } finally { setBusy(false); }
  };
  return (
    <Card title={x.title ?? x.subject?.name ?? `${x.kind ?? 'item'} ${x.subjectId ?? x.id}`}>
      <div className="row muted small">{x.kind} · {x.subjectId ?? ''} · requested by {x.requestedBy?.name ?? x.requestedBy ?? '–'} {when(x.requestedAt ?? x.createdAt)} · <Badge tone={statusTone(x.status)}>{x.status}</Badge></div>
      <div className="previews">{Object.entries(previews).map(([ch, v]) => <Preview key={ch} channel={ch} value={v} />)}</div>
      {Object.keys(previews).length === 0 ? <Json value={x.subject ?? x} /> : null}
      <QaResults qa={x.qa} />
      {x.status === 'pending' && can.approve(me) ? (
        <div className="decide">
          <label>Comment<textarea name="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} /></label>
          <button disabled={busy} onClick={() => decide('approve')}>Approve</button>
          <button disabled={busy} className="danger" onClick={() => decide('reject')}>Reject</button>
        </div>
      ) : null}
      {x.status === 'pending' && !can.approve(me) ? <div className="muted">Your role ({me.role}) cannot approve.</div> : null}
      <ErrorBox error={error} />
    </Card>
  );
}

export function Approvals({ me }: { me: Principal }) {
  const available = has('/v1/approvals');
  const [status, setStatus] = useState('pending');
  const [open, setOpen] = useState<string>();
  const list = useLoad(available ? () => get<{ items: any[] }>(`/v1/approvals${qs({ status })}`) : undefined, [status]);
  if (!available) return <Page title="Approval queue"><Empty>Approvals are not enabled on this server: content and workers go live without review.</Empty></Page>;
  return (
    <Page title="Approval queue" actions={<select aria-label="Status" value={status} onChange={(e) => { setStatus(e.target.value); setOpen(undefined); }}>
      {['pending', 'approved', 'rejected'].map((s) => <option key={s} value={s}>{s}</option>)}</select>}>
      <Loading state={list} />
      {list.data && list.data.items.length === 0 ? <Empty>Nothing is {status}.</Empty> : null}
      <div className="split">
        <ul className="queue" data-testid="approvals">
          {(list.data?.items ?? []).map((a) => (
            <li key={a.id} className={open === a.id ? 'active' : ''}>
              <button className="link" onClick={() => setOpen(a.id)}>{a.title ?? a.subjectName ?? `${a.kind} ${a.subjectId ?? a.id}`}</button>
              <div className="muted small">{a.kind} · {when(a.requestedAt ?? a.createdAt)} · <Badge tone={statusTone(a.status)}>{a.status}</Badge></div>
            </li>
          ))}
        </ul>
        <div>{open ? <ApprovalDetail key={open} id={open} me={me} onDone={() => { setOpen(undefined); list.reload(); }} /> : list.data && list.data.items.length > 0 ? <Empty>Pick an item to review.</Empty> : null}</div>
      </div>
    </Page>
  );
}
