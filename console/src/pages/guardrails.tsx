/**
 * The contact guardrails every worker's sends pass (GET/PUT /v1/guardrails): frequency caps,
 * quiet hours, the minimum gap, paid-media suppression, the default time zone. Editable with
 * settings:write (admin); the server validates and names the field, shown where it is typed.
 */
import { useState, type FormEvent } from 'react';
import { api, can, get, type Principal } from '../api.ts';
import { Card, ErrorBox, Loading, useLoad } from '../ui.tsx';
import { Field, fieldOf, numberOrText } from '../forms.tsx';

interface Settings { caps: Array<{ channel: string; max: number; period: string }>; quietHours: { start: number; end: number }; minGapMinutes: number; paidSuppressionHours: number; defaultTimezone: string }
const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app', 'all'];
type Draft = { caps: Array<{ channel: string; max: string; period: string }>; start: string; end: string; minGapMinutes: string; paidSuppressionHours: string; defaultTimezone: string };

const draftOf = (s: Settings): Draft => ({
  caps: s.caps.map((c) => ({ channel: c.channel, max: String(c.max), period: c.period })), start: String(s.quietHours.start), end: String(s.quietHours.end),
  minGapMinutes: String(s.minGapMinutes), paidSuppressionHours: String(s.paidSuppressionHours), defaultTimezone: s.defaultTimezone,
});

function GuardrailsForm({ settings, onDone }: { settings: Settings; onDone(saved: boolean): void }) {
  const [d, setD] = useState<Draft>(draftOf(settings));
  const [error, setError] = useState<{ field?: string | undefined; message: string }>();
  const [busy, setBusy] = useState(false);
  const cap = (i: number, k: 'channel' | 'max' | 'period', v: string) => setD({ ...d, caps: d.caps.map((c, j) => (j === i ? { ...c, [k]: v } : c)) });
  const submit = async (e: FormEvent) => {
    e.preventDefault(); setBusy(true); setError(undefined);
    try {
      await api('PUT', '/v1/guardrails', {
        caps: d.caps.map((c) => ({ channel: c.channel, max: numberOrText(c.max), period: c.period })), quietHours: { start: numberOrText(d.start), end: numberOrText(d.end) },
        minGapMinutes: numberOrText(d.minGapMinutes), paidSuppressionHours: numberOrText(d.paidSuppressionHours), defaultTimezone: d.defaultTimezone.trim(),
      });
      onDone(true);
    } catch (err) { setError({ field: fieldOf(err), message: (err as Error).message }); } finally { setBusy(false); }
  };
  const known = /^(caps\[\d+\]\.(channel|max|period)|quietHours\.(start|end)|minGapMinutes|paidSuppressionHours|defaultTimezone)$/;
  return (
    <form onSubmit={submit} aria-label="Edit guardrails" noValidate>
      <table className="table"><thead><tr><th>Channel</th><th>At most</th><th>Per</th><th /></tr></thead>
        <tbody>{d.caps.map((c, i) => (
          <tr key={i}>
            <td><Field label="" field={`caps[${i}].channel`} error={error}><select aria-label={`Cap ${i + 1} channel`} value={c.channel} onChange={(e) => cap(i, 'channel', e.target.value)}>{CHANNELS.map((x) => <option key={x}>{x}</option>)}</select></Field></td>
            <td><Field label="" field={`caps[${i}].max`} error={error}><input aria-label={`Cap ${i + 1} max`} inputMode="numeric" value={c.max} onChange={(e) => cap(i, 'max', e.target.value)} /></Field></td>
            <td><Field label="" field={`caps[${i}].period`} error={error}><select aria-label={`Cap ${i + 1} period`} value={c.period} onChange={(e) => cap(i, 'period', e.target.value)}><option>day</option><option>week</option></select></Field></td>
            <td><button type="button" className="secondary" onClick={() => setD({ ...d, caps: d.caps.filter((_, j) => j !== i) })}>Remove</button></td>
          </tr>
        ))}</tbody></table>
      <button type="button" className="secondary" onClick={() => setD({ ...d, caps: [...d.caps, { channel: 'email', max: '1', period: 'day' }] })}>Add a cap</button>
      <div className="form-grid">
        <Field label="Quiet hours from (local hour)" field="quietHours.start" error={error}><input name="quietStart" inputMode="numeric" value={d.start} onChange={(e) => setD({ ...d, start: e.target.value })} /></Field>
        <Field label="Quiet hours until (local hour)" field="quietHours.end" error={error}><input name="quietEnd" inputMode="numeric" value={d.end} onChange={(e) => setD({ ...d, end: e.target.value })} /></Field>
        <Field label="Minimum gap (minutes)" field="minGapMinutes" error={error}><input name="minGapMinutes" inputMode="numeric" value={d.minGapMinutes} onChange={(e) => setD({ ...d, minGapMinutes: e.target.value })} /></Field>
        <Field label="Paid-media suppression (hours)" field="paidSuppressionHours" error={error}><input name="paidSuppressionHours" inputMode="numeric" value={d.paidSuppressionHours} onChange={(e) => setD({ ...d, paidSuppressionHours: e.target.value })} /></Field>
        <Field label="Default time zone" field="defaultTimezone" error={error}><input name="defaultTimezone" value={d.defaultTimezone} onChange={(e) => setD({ ...d, defaultTimezone: e.target.value })} /></Field>
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>Save guardrails</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>Cancel</button>
      </div>
      {error && !(error.field && known.test(error.field)) ? <ErrorBox error={new Error(error.message)} /> : null}
    </form>
  );
}

export function Guardrails({ me }: { me: Principal }) {
  const guard = useLoad(() => get<Settings>('/v1/guardrails'), []);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const g = guard.data;
  return (
    <Card title={<>Contact guardrails (all workers) {can.editSettings(me) && g && !editing ? <button className="secondary" onClick={() => { setSaved(false); setEditing(true); }}>Edit guardrails</button> : null}</>}>
      <Loading state={guard} />
      {saved ? <div className="ok" role="status">Guardrails saved.</div> : null}
      {g && editing ? <GuardrailsForm settings={g} onDone={(ok) => { setEditing(false); if (ok) { setSaved(true); guard.reload(); } }} /> : null}
      {g && !editing ? <>
        <table className="table" data-testid="caps"><thead><tr><th>Channel</th><th>At most</th><th>Per</th></tr></thead>
          <tbody>{g.caps.map((c, i) => <tr key={i}><td>{c.channel}</td><td>{c.max}</td><td>{c.period}</td></tr>)}</tbody></table>
        <dl className="facts" data-testid="guardrails"><dt>Quiet hours</dt><dd>{g.quietHours.start}:00 to {g.quietHours.end}:00 local</dd>
          <dt>Minimum gap</dt><dd>{g.minGapMinutes} min</dd><dt>Paid-media suppression</dt><dd>{g.paidSuppressionHours} h</dd>
          <dt>Default time zone</dt><dd>{g.defaultTimezone}</dd></dl>
        {!can.editSettings(me) ? <div className="muted small">Changing guardrails needs settings:write (admin).</div> : null}
      </> : null}
    </Card>
  );
}
