import { useState } from 'react';
import { api, can, get, has, qs, type Paged, type Principal } from '../api.ts';
import { Badge, Card, Empty, ErrorBox, Json, Loading, Page, Pager, previewHtml, statusTone, useLoad, usePager, when } from '../ui.tsx';

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
      {html ? <iframe title={`${channel} preview`} sandbox="" srcDoc={previewHtml(html)} className="frame" /> : null}
    </div>
  );
}

function QaResults({ qa }: { qa: any }) {
  if (!qa) return <div className="muted small">No QA results.</div>;
  const issues: any[] = qa.reasons ?? qa.issues ?? [];
  const failed = qa.ok === false || qa.passed === false;
  return (
    <div data-testid="qa">
      <h3>QA</h3>
      <Badge tone={failed ? 'bad' : 'good'}>{failed ? 'QA failed' : 'QA passed'}</Badge>
      {issues.length > 0 ? <ul className="plain small">{issues.slice(0, 30).map((i, n) => <li key={n}><Badge tone="warn">{i.rule ?? 'rule'}</Badge> {i.field ? <b>{i.field}: </b> : null}{i.message ?? ''}</li>)}</ul> : null}
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
  // One render per channel (the first sample profile's) from the server's preview.
  const previews: Record<string, unknown> = {};
  for (const r of (x.preview?.renders ?? []) as any[]) if (!(r.channel in previews)) previews[r.channel] = r.content;
  const decide = async (verb: 'approve' | 'reject') => {
    setBusy(true); setError(undefined);
    try { await api('POST', `/v1/approvals/${encodeURIComponent(id)}/${verb}`, { comment }); onDone(); } catch (e) { setError(e as Error); } finally { setBusy(false); }
  };
  return (
    <Card title={`${x.kind} ${x.subjectId} v${x.version}`}>
      <div className="row muted small">risk <Badge tone={x.tier === 'high' ? 'bad' : x.tier === 'medium' ? 'warn' : 'muted'}>{x.tier}</Badge> · {x.queue === 'sample' ? 'live, sampled for review (rejecting takes it off: the previous version comes back)' : 'held until decided'} · submitted by {x.submittedBy?.name ?? '–'} {when(x.submittedAt)} · <Badge tone={statusTone(x.status)}>{x.status}</Badge></div>
      {(x.reasons ?? []).length > 0 ? <ul className="plain small">{x.reasons.map((r: any) => <li key={r.code}><Badge tone={r.tier === 'high' ? 'bad' : 'warn'}>{r.code}</Badge> {r.message}</li>)}</ul> : null}
      {x.decidedBy ? <div className="small">Decided by {x.decidedBy.name} {when(x.decidedAt)}{x.comment ? `: “${x.comment}”` : ''}</div> : null}
      <div className="previews">{Object.entries(previews).map(([ch, v]) => <Preview key={ch} channel={ch} value={v} />)}</div>
      {Object.keys(previews).length === 0 ? <Json value={x.document} /> : null}
      <QaResults qa={x.preview?.qa ?? x.qa} />
      {x.status === 'pending' && can.approve(me) ? (
        <div className="decide">
          <label>Comment<textarea name="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} /></label>
          <button disabled={busy} onClick={() => decide('approve')}>Approve</button>
          <button disabled={busy || comment.trim() === ''} title="A rejection needs a comment" className="danger" onClick={() => decide('reject')}>Reject</button>
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
  const pager = usePager();
  const list = useLoad(available ? () => get<Paged<any>>(`/v1/approvals${qs({ status, limit: 25, cursor: pager.cursor })}`) : undefined, [status, pager.cursor]);
  if (!available) return <Page title="Approval queue"><Empty>Approvals are not enabled on this server: content and workers go live without review.</Empty></Page>;
  return (
    <Page title="Approval queue" actions={<select aria-label="Status" value={status} onChange={(e) => { setStatus(e.target.value); setOpen(undefined); pager.reset(); }}>
      {['pending', 'approved', 'published', 'rejected', 'superseded', 'retired'].map((s) => <option key={s} value={s}>{s}</option>)}</select>}>
      <Loading state={list} />
      {list.data && list.data.items.length === 0 ? <Empty>Nothing is {status}.</Empty> : null}
      <div className="split">
        <ul className="queue" data-testid="approvals">
          {(list.data?.items ?? []).map((a) => (
            <li key={a.id} className={open === a.id ? 'active' : ''}>
              <button className="link" onClick={() => setOpen(a.id)}>{a.kind} {a.subjectId} v{a.version}</button>
              <div className="muted small">{a.tier} risk · {a.submittedBy?.name} · {when(a.submittedAt)} · <Badge tone={statusTone(a.status)}>{a.status}</Badge>{a.qa && !a.qa.ok ? <> <Badge tone="bad">QA</Badge></> : null}</div>
            </li>
          ))}
          <li><Pager pager={pager} nextCursor={list.data?.nextCursor} label="Approval pages" /></li>
        </ul>
        <div>{open ? <ApprovalDetail key={open} id={open} me={me} onDone={() => { setOpen(undefined); list.reload(); }} /> : list.data && list.data.items.length > 0 ? <Empty>Pick an item to review.</Empty> : null}</div>
      </div>
    </Page>
  );
}
