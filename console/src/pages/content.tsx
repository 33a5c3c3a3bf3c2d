import { useState } from 'react';
import { api, get, qs, type Paged } from '../api.ts';
import { Badge, Card, Empty, ErrorBox, Loading, Page, Pager, previewHtml, statusTone, useLoad, usePager } from '../ui.tsx';

const PAGE = 25;

const SAMPLE = { id: 'prf_preview', traits: { firstName: 'Ada', email: 'ada@example.com' }, preferences: {} };

function TemplatePreview({ template }: { template: any }) {
  const channels = ['email', 'sms', 'push', 'inbox', 'webhook'].filter((c) => template[c]);
  const [channel, setChannel] = useState(channels[0]);
  const r = useLoad(channel ? () => api<any>('POST', '/v1/content/render', { templateId: template.id, channel, profile: SAMPLE }) : undefined, [template.id, channel]);
  const m = r.data?.message ?? r.data?.content ?? r.data;
  return (
    <div className="preview" data-testid="template-preview">
      <div className="tabs">{channels.map((c) => <button key={c} className={c === channel ? 'active' : 'secondary'} onClick={() => setChannel(c)}>{c}</button>)}</div>
      <Loading state={r} />
      {m ? <>
        {m.subject ? <div><b>Subject:</b> {m.subject}</div> : null}
        {m.title ? <div><b>{m.title}</b></div> : null}
        {m.text || m.body ? <pre className="wrap">{m.text ?? m.body}</pre> : null}
        {m.html ? <iframe title="Rendered preview" sandbox="" srcDoc={previewHtml(m.html)} className="frame" /> : null}
        {r.data?.qa ? <div className="small">QA: <Badge tone={r.data.qa.passed === false ? 'bad' : 'good'}>{r.data.qa.passed === false ? 'failed' : 'passed'}</Badge> {(r.data.qa.issues ?? []).map((i: any) => i.message).join('; ')}</div> : null}
      </> : null}
    </div>
  );
}

export function Content() {
  const tPager = usePager();
  const bPager = usePager();
  const templates = useLoad(() => get<Paged<any>>(`/v1/content/templates${qs({ limit: PAGE, cursor: tPager.cursor })}`), [tPager.cursor]);
  const blocks = useLoad(() => get<Paged<any>>(`/v1/content/blocks${qs({ limit: PAGE, cursor: bPager.cursor })}`), [bPager.cursor]);
  const [open, setOpen] = useState<string>();
  const t = templates.data?.items.find((x) => x.id === open);
  return (
    <Page title="Content library">
      <div className="split">
        <Card title="Templates">
          <Loading state={templates} />
          <ul className="queue">{(templates.data?.items ?? []).map((x) => (
            <li key={x.id} className={open === x.id ? 'active' : ''}><button className="link" onClick={() => setOpen(x.id)}>{x.name}</button>
              <div className="muted small">{x.id} · {x.purpose} · <Badge tone={statusTone(x.status)}>{x.status}</Badge></div></li>
          ))}</ul>
          <Pager pager={tPager} nextCursor={templates.data?.nextCursor} label="Template pages" />
        </Card>
        <div>{t ? <Card title={t.name}><TemplatePreview key={t.id} template={t} /></Card> : <Empty>Pick a template to preview it as a sample shopper.</Empty>}</div>
      </div>
      <Card title="Content blocks">
        <ErrorBox error={blocks.error} />
        {blocks.data && blocks.data.items.length === 0 ? <Empty>No content blocks.</Empty> : null}
        <table className="table" data-testid="blocks"><thead><tr><th>Block</th><th>Theme</th><th>Status</th><th>Text</th></tr></thead>
          <tbody>{(blocks.data?.items ?? []).map((b) => <tr key={b.id}><td>{b.name ?? b.id}<div className="muted small">{b.id}</div></td><td>{b.theme ?? (b.themes ?? []).join(', ')}</td><td><Badge tone={statusTone(b.status)}>{b.status}</Badge></td><td className="small">{String(b.text ?? b.body ?? b.headline ?? '').slice(0, 140)}</td></tr>)}</tbody></table>
        <Pager pager={bPager} nextCursor={blocks.data?.nextCursor} label="Block pages" />
      </Card>
    </Page>
  );
}
