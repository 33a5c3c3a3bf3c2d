/**
 * Public tracking routes (no key: mail clients call them). The token is the authority
 * (channels.tracking.ts); each route moves the message's status by the receipt rules
 * (channels.receipts.ts: opened after sent/delivered, clicked after those or opened) and, only when
 * the status moved, records `Email Opened` / `Email Link Clicked` on the profile through `record`
 * (the normal ingestion path, so traits see it). A repeated open or click changes nothing, so it
 * records nothing: one open and one click per message at most, which is what channel
 * responsiveness counts (messages responded to, not pixel loads).
 *
 * The click route redirects to the token's own URL whatever happens to the record (a shopper's
 * click must never fail because of bookkeeping), and only there: a forged or altered token is a
 * 400, never a redirect. With BRAID_EMAIL_TRACKING=off the routes still answer (mail already sent
 * keeps working) but record nothing.
 */
import { Type } from 'typebox';
import { BraidError, invalid, type HttpServer } from '../../core/index.ts';
import type { ChannelService, DeliveryRecord } from './channels.types.ts';

/** A transparent 1x1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const NO_STORE = 'no-store, no-cache, must-revalidate, private, max-age=0';

export type EngagementEvent = 'Email Opened' | 'Email Link Clicked';
export interface TrackingCollaborators {
  /** Records the engagement event on the message's profile (properties: message_id, worker_id, step_id, url). */
  record(rec: DeliveryRecord, event: EngagementEvent, properties: Record<string, unknown>): Promise<void>;
  log?: { warn(o: unknown, msg: string): void } | undefined;
}

/**
 * `record` through the event log like any other event: the track call names the profile by its
 * userId (else an anonymousId), so the projection and traits treat it as the shopper's own; the
 * message id makes a repeat a duplicate. A profile known only by an address gets no event (its
 * message status still moves).
 */
export function engagementRecorder(d: {
  ingest(messages: unknown[]): Promise<unknown>;
  canonical(profileId: string): Promise<string | undefined>;
  identities(profileId: string): Promise<ReadonlyArray<{ type: string; value: string }>>;
  nowMs(): number;
}): TrackingCollaborators['record'] {
  return async (rec, event, properties) => {
    const ids = await d.identities(await d.canonical(rec.profileId) ?? rec.profileId);
    const user = ids.find((i) => i.type === 'user_id')?.value, anon = ids.find((i) => i.type === 'anonymous_id')?.value;
    if (!user && !anon) return;
    await d.ingest([{
      type: 'track', event, ...(user ? { userId: user } : { anonymousId: anon }), properties, timestamp: new Date(d.nowMs()).toISOString(),
      messageId: `${event === 'Email Opened' ? 'eo' : 'ec'}_${rec.id}`,
    }]);
  };
}

const Token = Type.Object({ token: Type.String({ minLength: 3, maxLength: 4000 }) });

export function registerTrackingRoutes(http: HttpServer, channels: ChannelService, c: TrackingCollaborators): void {
  async function engage(messageId: string, kind: 'open' | 'click', url?: string): Promise<void> {
    if (channels.trackingMode() === 'off') return;
    let rec: DeliveryRecord | undefined;
    try { rec = await channels.receipt({ messageId }, kind === 'open' ? 'opened' : 'clicked'); } catch (e) {
      if (e instanceof BraidError && e.code === 'not_found') return; // the message was purged: nothing to record
      throw e;
    }
    if (!rec) return; // already opened/clicked (or bounced, complained): a repeat records nothing
    await c.record(rec, kind === 'open' ? 'Email Opened' : 'Email Link Clicked', {
      message_id: rec.id, channel: 'email', ...(rec.workerId ? { worker_id: rec.workerId } : {}), ...(rec.stepId ? { step_id: rec.stepId } : {}), ...(url ? { url } : {}),
    });
  }

  http.get('/v1/t/o/:token', {
    config: { scope: 'public' },
    schema: { tags: ['channels'], summary: 'Email open pixel (1x1 GIF, never cached): records the message opened once', params: Token },
  }, async (req, reply) => {
    const claims = channels.readTrackingToken((req.params as { token: string }).token);
    if (!claims || claims.kind !== 'open') throw invalid('token', 'is not a valid tracking link (incomplete or altered)');
    await engage(claims.messageId, 'open').catch((err: unknown) => c.log?.warn({ err, messageId: claims.messageId }, 'open tracking failed'));
    return reply.code(200).header('cache-control', NO_STORE).header('pragma', 'no-cache').header('expires', '0').type('image/gif').send(PIXEL);
  });

  http.get('/v1/t/c/:token', {
    config: { scope: 'public' },
    schema: { tags: ['channels'], summary: 'Tracked email link: records the click once, then 302 to the signed original URL (no other)', params: Token },
  }, async (req, reply) => {
    const claims = channels.readTrackingToken((req.params as { token: string }).token);
    if (!claims || claims.kind !== 'click' || !claims.url) throw invalid('token', 'is not a valid tracking link (incomplete or altered)');
    await engage(claims.messageId, 'click', claims.url).catch((err: unknown) => c.log?.warn({ err, messageId: claims.messageId }, 'click tracking failed'));
    return reply.code(302).header('cache-control', NO_STORE).header('location', claims.url).send();
  });
}
