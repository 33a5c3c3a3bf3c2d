/** Shared building blocks: loading a resource, tables, pagers, empty and error states. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, get } from './api.ts';

export interface Loaded<T> { data: T | undefined; error: Error | undefined; loading: boolean; reload(): void }

/** Loads `load()` whenever `deps` change; `undefined` as loader means "nothing to load". */
export function useLoad<T>(load: (() => Promise<T>) | undefined, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: !!load });
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!load) { setState({ loading: false }); return; }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then((data) => { if (live) setState({ data, loading: false }); }, (error: Error) => { if (live) setState({ error, loading: false }); });
    return () => { live = false; };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/**
 * A report served from the server's snapshot (docs/console.md "Report snapshots"): `refresh()`
 * asks for it computed now (`fresh=true`), which also updates the stored snapshot.
 */
export function useReport<T extends { asOf?: string }>(path: string | undefined, deps: unknown[]): Loaded<T> & { refresh(): void } {
  const [fresh, setFresh] = useState(0);
  const r = useLoad(path ? () => get<T>(fresh > 0 ? `${path}${path.includes('?') ? '&' : '?'}fresh=true` : path) : undefined, [...deps, fresh]);
  return { ...r, refresh: () => setFresh((x) => x + 1) };
}

/** "as of <time>" of a report card, and a button that recomputes it. */
export function AsOf({ report }: { report: { data?: { asOf?: string } | undefined; loading: boolean; refresh(): void } }) {
  if (!report.data?.asOf) return null;
  return (
    <span className="asof muted small" data-testid="as-of">
      {' '}as of {when(report.data.asOf)}{' '}
      <button type="button" className="link small" disabled={report.loading} onClick={report.refresh} title="Compute this report now instead of serving the stored snapshot">{report.loading ? 'refreshing…' : 'refresh'}</button>
    </span>
  );
}

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return <section className="page"><header className="page-head"><h1>{title}</h1><div className="actions">{actions}</div></header>{children}</section>;
}

export function Card({ title, children, className }: { title?: ReactNode; children: ReactNode; className?: string }) {
  return <div className={`card ${className ?? ''}`}>{title ? <h2>{title}</h2> : null}{children}</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty" role="status">{children}</div>;
}

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const field = error instanceof ApiError && error.field ? ` (${error.field})` : '';
  return <div className="error" role="alert">{error.message}{field}</div>;
}

export function Loading({ state }: { state: { loading: boolean; error: Error | undefined } }) {
  if (state.error) return <ErrorBox error={state.error} />;
  return state.loading ? <div className="loading">Loading…</div> : null;
}

export function Kpi({ label, value, note }: { label: string; value: ReactNode; note?: ReactNode }) {
  return <div className="kpi"><div className="kpi-label">{label}</div><div className="kpi-value">{value}</div>{note ? <div className="kpi-note">{note}</div> : null}</div>;
}

export function Badge({ children, tone }: { children: ReactNode; tone?: 'good' | 'warn' | 'bad' | 'muted' }) {
  return <span className={`badge ${tone ?? ''}`}>{children}</span>;
}

export function statusTone(s: string): 'good' | 'warn' | 'bad' | 'muted' {
  if (['on', 'active', 'sent', 'delivered', 'approved', 'passed', 'completed', 'granted'].includes(s)) return 'good';
  if (['paused', 'pending', 'queued', 'draft', 'warn', 'deferred'].includes(s)) return 'warn';
  if (['off', 'failed', 'rejected', 'error', 'dead', 'revoked', 'suppressed'].includes(s)) return 'bad';
  return 'muted';
}

/** "Newer / older" paging over a server cursor: the pager keeps the stack of cursors visited. */
export function usePager(): { cursor: string | undefined; next(c: string | null | undefined): void; prev(): void; reset(): void; page: number } {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1], page: stack.length + 1,
    next: (c) => { if (c) setStack((s) => [...s, c]); },
    prev: () => setStack((s) => s.slice(0, -1)),
    reset: () => setStack([]),
  };
}

/** Previous/next over a server cursor; newest-first lists say "Newer" and "Older" (`newest`). */
export function Pager({ pager, nextCursor, label, newest }: { pager: ReturnType<typeof usePager>; nextCursor: string | null | undefined; label?: string; newest?: boolean }) {
  if (newest && pager.page === 1 && !nextCursor) return null; // one page: nothing to page through
  return (
    <div className="pager" role="group" aria-label={label ?? 'Pages'}>
      <button disabled={pager.page === 1} onClick={pager.prev}>{newest ? '← Newer' : '← Previous'}</button>
      <span>Page {pager.page}</span>
      <button disabled={!nextCursor} onClick={() => pager.next(nextCursor)}>{newest ? 'Older →' : 'Next →'}</button>
    </div>
  );
}

/** One server page of a keyset-paged list at `path` (its `items` under `key`), with its pager. */
export function usePaged<T>(path: string | undefined, key = 'items'): { pager: ReturnType<typeof usePager>; list: Loaded<{ items: T[]; nextCursor: string | null }> } {
  const pager = usePager();
  useEffect(() => { pager.reset(); }, [path]); // another list starts at its first page
  const list = useLoad(path ? async () => {
    const sep = path.includes('?') ? '&' : '?';
    const body = await get<Record<string, unknown>>(pager.cursor ? `${path}${sep}cursor=${encodeURIComponent(pager.cursor)}` : path);
    return { items: (body[key] ?? []) as T[], nextCursor: (body.nextCursor ?? null) as string | null };
  } : undefined, [path, pager.cursor]);
  return { pager, list };
}

export const money = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: Math.abs(n) < 10 ? 2 : 0 }));
export const num = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));
export const when = (s: string | null | undefined) => (s ? s.replace('T', ' ').slice(0, 16) : '–');
const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
/** A signed amount: +$1.20, −$0.40. */
export const signedMoney = (n: number | null | undefined) => (finite(n) ? `${n >= 0 ? '+' : '−'}${money(Math.abs(n))}` : '–');

/** An estimate with its interval, as the reports return it (nulls where undefined). */
export interface Interval { estimate: number | null; ciLow: number | null; ciHigh: number | null; pValue?: number | null }
/** "+$1.20 [−$0.10, +$2.50]" (or the estimate alone when the interval is undefined). */
export function ci(e: Interval | null | undefined, fmt: (n: number | null | undefined) => string = signedMoney): string {
  if (!e || !finite(e.estimate)) return '–';
  return finite(e.ciLow) && finite(e.ciHigh) ? `${fmt(e.estimate)} [${fmt(e.ciLow)}, ${fmt(e.ciHigh)}]` : fmt(e.estimate);
}
/** Green when the whole interval is above zero, red when below, muted when it straddles zero. */
export function ciTone(e: Interval | null | undefined): 'good' | 'bad' | 'muted' {
  if (!e || !finite(e.ciLow) || !finite(e.ciHigh)) return 'muted';
  return e.ciLow > 0 ? 'good' : e.ciHigh < 0 ? 'bad' : 'muted';
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/**
 * Email HTML for a preview frame: remote images are not fetched (their hosts may be unreachable
 * from the reviewer's browser, and opening a preview must not ping tracking pixels); alt text shows.
 */
export function previewHtml(html: string): string {
  return html.replace(/(<img\b[^>]*?)\ssrc\s*=/gi, '$1 data-preview-src=');
}
