/** Form helpers: the server validates every write and names the field; the form shows it there. */
import type { ReactNode } from 'react';
import { ApiError } from './api.ts';

/** A number when the text is one; otherwise the text as typed, so the server names the field. */
export const numberOrText = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
/** The error's field as the form names it (the service reports `offer.value`, the route `value`). */
export function fieldOf(e: unknown, root?: string): string | undefined {
  const f = e instanceof ApiError ? e.field : undefined;
  return f && root && f.startsWith(root + '.') ? f.slice(root.length + 1) : f;
}

/** A labelled input with the server's error for its field right under it. */
export function Field({ label, field, error, children }: { label: string; field: string; error: { field?: string | undefined; message: string } | undefined; children: ReactNode }) {
  const mine = error && error.field === field;
  return (
    <label className={mine ? 'invalid' : ''}>{label}{children}
      {mine ? <span className="field-error" role="alert" data-field={field}>{error.message.replace(/^[\w.[\]]+: /, '')}</span> : null}
    </label>
  );
}
