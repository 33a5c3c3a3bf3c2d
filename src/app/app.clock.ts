/**
 * Simulation mode (BRAID_CLOCK=manual): Braid's clock stands still until an admin moves it.
 * `POST /v1/clock/advance` moves it forward and answers only once Braid has caught up with the new
 * time: the projection has applied every ingested event, segment sweeps and due schedules have
 * run, due journey timers have fired, and the delivery queue has handed every queued message to
 * its provider. That answer is the "settled" signal the shopper simulator steps on. Outside
 * simulation mode the write routes are refused (409), so a production clock cannot be moved.
 */
import { Type } from 'typebox';
import { BraidError, invalid, isoNow, type Clock, type HttpServer, type ManualClock } from '../core/index.ts';

export interface Settler {
  /** Waits until Braid has processed everything due at the current time; false when it timed out. */
  settle(timeoutMs: number): Promise<{ settled: boolean; pendingDeliveries: number }>;
}

export function isManualClock(c: Clock | undefined): c is ManualClock {
  return !!c && typeof (c as Partial<ManualClock>).advance === 'function' && typeof (c as Partial<ManualClock>).set === 'function';
}

const ClockSchema = Type.Object({ mode: Type.String(), now: Type.String(), nowMs: Type.Number() });
const AdvancedSchema = Type.Object({ mode: Type.String(), now: Type.String(), nowMs: Type.Number(), settled: Type.Boolean(), pendingDeliveries: Type.Integer() });
const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });
const MAX_STEP_MS = 31 * 86_400_000;

export function registerClockRoutes(http: HttpServer, clock: Clock, manual: ManualClock | undefined, settler: Settler): void {
  const tags = ['ops'];
  const view = () => ({ mode: manual ? 'manual' : 'system', now: isoNow(clock), nowMs: clock.now() });
  const needManual = (): ManualClock => {
    if (!manual) throw new BraidError('conflict', 'the clock can only be moved in simulation mode (BRAID_CLOCK=manual)');
    return manual;
  };
  http.get('/v1/clock', {
    schema: { tags, summary: "Braid's clock and its mode (system, or manual in simulation mode)", response: { 200: ClockSchema } },
  }, async () => view());
  http.post('/v1/clock/advance', {
    schema: {
      tags, summary: 'Simulation mode: move the clock forward (by ms, or to an ISO time) and wait until Braid has settled',
      body: Type.Object({
        ms: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_STEP_MS, description: 'milliseconds to move forward' })),
        to: Type.Optional(Type.String({ description: 'ISO 8601 time to move to (not before now)' })),
        settleTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'how long to wait for Braid to settle (default 60000)' })),
      }),
      response: { 200: AdvancedSchema, 400: ErrorSchema, 409: ErrorSchema },
    },
  }, async (req) => {
    const m = needManual();
    const body = req.body as { ms?: number; to?: string; settleTimeoutMs?: number };
    if (body.ms === undefined && body.to === undefined) throw invalid('ms', 'give ms (milliseconds to advance) or to (an ISO time)');
    if (body.ms !== undefined && body.to !== undefined) throw invalid('to', 'give either ms or to, not both');
    if (body.to !== undefined) {
      const at = Date.parse(body.to);
      if (!Number.isFinite(at)) throw invalid('to', 'must be an ISO 8601 time');
      if (at < m.now()) throw invalid('to', 'must not be before the current time (the clock only moves forward)');
      if (at - m.now() > MAX_STEP_MS) throw invalid('to', 'must be at most 31 days ahead (advance in steps)');
      m.set(at);
    } else m.advance(body.ms!);
    const s = await settler.settle(body.settleTimeoutMs ?? 60_000);
    return { ...view(), ...s };
  });
}
