import type { CoreDeps, Page, Queryable } from '../../core/index.ts';
import { canonicalProfile, listConflicts, listIdentities, listIdentitiesOf, listMerges, pageIdentities, resolveRef, type ConflictRecord, type IdentityRow, type MergeRecord } from './identity.store.ts';

export { identifiersOf, identityKey, normalizeEmail, normalizePhone, normalizeIdType, parseRef, priorityOf, type Identifier } from './identity.normalize.ts';
export { loadOwners } from './identity.store.ts';
export { applyIdentityChanges, type IdentityChanges } from './identity.write.ts';
export type { ConflictRecord, IdentityRow, MergeRecord };

/** The identity graph's read side. Writes happen only through the profile projection. */
export interface IdentityService {
  /** The live profile a ref (prf_…, userId:…, email:…, phone:…, externalId:TYPE:…, anonymousId) resolves to. */
  resolveRef(ref: string): Promise<string | undefined>;
  canonical(profileId: string, db?: Queryable): Promise<string | undefined>;
  identities(profileId: string): Promise<IdentityRow[]>;
  /** identities() of many profiles in one statement (every asked id is a key). */
  identitiesOf(profileIds: string[]): Promise<Map<string, IdentityRow[]>>;
  /** identities() a keyset page at a time (`limit` and `cursor` in, `nextCursor` out). */
  identitiesPage(profileId: string, q: { cursor?: string | undefined; limit: number }): Promise<Page<IdentityRow>>;
  merges(profileId: string): Promise<MergeRecord[]>;
  conflicts(profileId: string): Promise<ConflictRecord[]>;
}

export function createIdentity(deps: CoreDeps): IdentityService {
  return {
    resolveRef: (ref) => resolveRef(deps, ref),
    canonical: (id, db) => canonicalProfile(db ?? deps.db, id),
    identities: (id) => listIdentities(deps.db, id),
    identitiesOf: (ids) => listIdentitiesOf(deps.db, ids),
    identitiesPage: (id, q) => pageIdentities(deps.db, id, q),
    merges: (id) => listMerges(deps.db, id),
    conflicts: (id) => listConflicts(deps.db, id),
  };
}
