/**
 * Email engagement tracking: an open pixel and click-tracked links in the HTML part of marketing
 * email, each carrying a signed token (channels.sign.ts `signToken`, domain-separated from the
 * unsubscribe token so neither can stand in for the other). Pure: signing, verifying and the HTML
 * rewrite; the routes (channels.tracking.routes.ts) record what a token says happened.
 *
 * Contract:
 * - The pixel is `GET <publicUrl>/v1/t/o/<token>`; a tracked link is `GET <publicUrl>/v1/t/c/<token>`,
 *   whose token holds the original URL: the route redirects only there (no open redirect).
 * - Only `http(s)` links in `<a href>` are rewritten; the unsubscribe link (its own signed token,
 *   which must keep working unchanged), `mailto:`, `tel:` and anchors are left as they are.
 * - The plain-text part keeps its links untracked: a text reader sees the real URL, and a text
 *   client loads no pixel, so neither opens nor clicks are inferred from it.
 * - Tokens do not expire (like unsubscribe links: an email can be opened months later).
 */
import { readToken, signToken } from './channels.sign.ts';

/** The message is the whole subject: its delivery row knows the profile, so the token need not (shorter links). */
export interface TrackingClaims { messageId: string; kind: 'open' | 'click'; url?: string }
export interface TrackingLinks { pixel: string; link(url: string): string }

export const OPEN_PATH = '/v1/t/o/';
export const CLICK_PATH = '/v1/t/c/';
/** Domain separation: a tracking token's MAC never equals an unsubscribe token's for the same bytes. */
const DOMAIN = 'braid-track-v1.';
const MAX_TOKEN = 4000;

export function signTracking(secret: string, c: TrackingClaims): string {
  return signToken(secret, DOMAIN, { m: c.messageId, k: c.kind === 'open' ? 'o' : 'c', ...(c.url !== undefined ? { u: c.url } : {}) });
}

/** The claims of a genuine token, or undefined (forged, truncated, malformed, a click without an http(s) URL). */
export function verifyTracking(secret: string, token: string): TrackingClaims | undefined {
  const o = readToken(secret, DOMAIN, token, MAX_TOKEN);
  if (!o || typeof o.m !== 'string' || (o.k !== 'o' && o.k !== 'c')) return undefined;
  if (o.k === 'c' && (typeof o.u !== 'string' || !isWebUrl(o.u))) return undefined;
  return { messageId: o.m, kind: o.k === 'o' ? 'open' : 'click', ...(o.k === 'c' ? { url: o.u as string } : {}) };
}

export const isWebUrl = (u: string): boolean => /^https?:\/\/[^\s]+$/i.test(u);

export function trackingLinks(publicUrl: string, secret: string, messageId: string): TrackingLinks {
  return {
    pixel: `${publicUrl}${OPEN_PATH}${signTracking(secret, { messageId, kind: 'open' })}`,
    link: (url) => `${publicUrl}${CLICK_PATH}${signTracking(secret, { messageId, kind: 'click', url })}`,
  };
}

const unescapeAttr = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** The HTML with its web links tracked and the pixel before `</body>` (or at the end). */
export function addTracking(html: string, t: TrackingLinks): string {
  const out = html.replace(/(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gis, (whole, pre: string, _q: string, raw: string) => {
    const url = unescapeAttr(raw.trim());
    if (!isWebUrl(url) || url.includes('/v1/unsubscribe?') || url.includes(CLICK_PATH)) return whole;
    return `${pre}"${escapeAttr(t.link(url))}"`;
  });
  const pixel = `<img src="${escapeAttr(t.pixel)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  const body = out.search(/<\/body>/i);
  return body >= 0 ? out.slice(0, body) + pixel + out.slice(body) : out + pixel;
}
