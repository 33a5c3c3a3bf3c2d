/**
 * What the steps of a batch of journeys need read from the database: their definitions, their
 * shoppers (profile, recent contacts for caps and gaps, reachable channels) and consent answers,
 * in a few statements per batch (not one per shopper).
 */
import { CHANNEL_PURPOSE, PUSH_TOKEN_TRAITS, type ChannelName } from '../channels/index.ts';
import type { WorkersDeps } from './workers.deps.ts';
import type { GuardrailSettings } from './workers.guardrails.ts';
import { filterSensitive, profileScope } from './workers.scope.ts';
import { timeZoneOf, type ShopperView } from './workers.steps.ts';
import type { Instance, WorkerDefinition } from './workers.types.ts';

const DAY = 86_400_000;

/** A batch of due (or just-woken) instances with what its steps need. */
export interface Loaded { batch: Instance[]; nowMs: number; defs: Map<string, WorkerDefinition | undefined>; shoppers: Map<string, ShopperView>; consent: Map<string, { allowed: boolean }> }

export interface LoaderHooks { definition(workerId: string, version: number): Promise<WorkerDefinition | undefined>; settings(): GuardrailSettings }

export function createBatchLoader(w: WorkersDeps, hooks: LoaderHooks, sensitive: readonly string[]): (batch: Instance[], nowMs: number) => Promise<Loaded> {
  /** Everything the steps need about the batch's shoppers, in a few statements (not one per shopper). */
  async function loadShoppers(ids: string[], nowMs: number, needReach: Set<string>): Promise<Map<string, ShopperView>> {
    const settings = hooks.settings();
    // Channel choice (`channel: auto`, the same shoppers as needReach) also divides responses by Braid's own sends.
    const [contacts, profiles, idents, sent] = await Promise.all([
      w.channels.contacts(ids, nowMs - 7 * DAY), w.profiles.getMany(ids), w.identity.identitiesOf([...needReach]), w.channels.sentCounts([...needReach]),
    ]);
    const out = new Map<string, ShopperView>();
    for (const id of ids) {
      const p = profiles.get(id);
      let reachable = new Set<ChannelName>(['email', 'sms', 'push', 'webhook', 'in_app']);
      if (needReach.has(id)) {
        const mine = idents.get(id) ?? [];
        reachable = new Set<ChannelName>(['webhook', 'in_app']);
        if (mine.some((i) => i.type === 'email')) reachable.add('email');
        if (mine.some((i) => i.type === 'phone')) reachable.add('sms');
        if (PUSH_TOKEN_TRAITS.some((t) => typeof p?.traits[t] === 'string')) reachable.add('push');
      }
      out.set(id, {
        profileId: id, profile: p ? profileScope(p, sensitive) : undefined, traits: filterSensitive(p?.traits ?? {}, sensitive),
        computed: w.traits?.peek(id) ?? undefined, timeZone: timeZoneOf(p?.traits ?? {}, settings.defaultTimezone),
        contacts: [...(contacts.get(id) ?? [])], reachable, sent: sent.get(id),
      });
    }
    return out;
  }

  /** Consent answers for every (shopper, purpose) the batch's send steps could use, in one statement. */
  async function prefetchConsent(batch: Instance[], defs: Map<string, WorkerDefinition | undefined>): Promise<Map<string, { allowed: boolean }>> {
    const pairs = new Map<string, { profileId: string; purpose: string }>();
    for (const inst of batch) {
      if (inst.holdout) continue;
      const def = defs.get(`${inst.workerId}@${inst.version}`);
      for (const st of def?.steps ?? []) {
        if (st.type !== 'send' || st.transactional) continue;
        for (const c of st.channels) { const purpose = CHANNEL_PURPOSE[c]; pairs.set(`${inst.profileId}\u0000${purpose}`, { profileId: inst.profileId, purpose }); }
      }
    }
    const list = [...pairs.entries()];
    const answers = await w.consent.checkMany(list.map(([, p]) => p));
    return new Map(list.map(([k], i) => [k, answers[i]!]));
  }

  async function load(batch: Instance[], nowMs: number): Promise<Loaded> {
    const defs = new Map<string, WorkerDefinition | undefined>();
    for (const inst of batch) {
      const k = `${inst.workerId}@${inst.version}`;
      if (!defs.has(k)) defs.set(k, await hooks.definition(inst.workerId, inst.version));
    }
    const needReach = new Set<string>();
    for (const inst of batch) {
      const def = defs.get(`${inst.workerId}@${inst.version}`);
      if (def?.steps.some((s) => s.type === 'send' && s.channel === 'auto')) needReach.add(inst.profileId);
    }
    const [shoppers, consent] = await Promise.all([loadShoppers([...new Set(batch.map((i) => i.profileId))], nowMs, needReach), prefetchConsent(batch, defs)]);
    return { batch, nowMs, defs, shoppers, consent };
  }
  return load;
}
