/** What the workers module needs from other modules, as narrow ports (tests and the app wire them). */
import type { ApprovalsService } from '../approvals/index.ts';
import type { AuditInput } from '../audit/index.ts';
import type { CatalogCache } from '../catalog/index.ts';
import type { ChannelService } from '../channels/index.ts';
import type { ConsentService } from '../consent/index.ts';
import type { DecisionService } from '../decisioning/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProfileService, ProfileState } from '../profiles/index.ts';
import type { TraitsService } from '../traits/index.ts';
import type { RenderInput, RenderOutput } from './workers.steps.ts';

export interface WorkersDeps {
  profiles: ProfileService;
  identity: IdentityService;
  consent: ConsentService;
  traits?: TraitsService | undefined;
  decisioning: Pick<DecisionService, 'decide'>;
  channels: Pick<ChannelService, 'send' | 'contacts' | 'sentCounts' | 'statusesByKey' | 'unsubscribeUrl'>;
  /** Content assembly (the content module); renders a template for a shopper and a decision. */
  render(input: RenderInput): Promise<RenderOutput>;
  catalog?: CatalogCache | undefined;
  /** The hash-chained audit log: worker versions, status changes, guardrail changes. */
  audit?: { append(entries: AuditInput[]): Promise<unknown> } | undefined;
  /** The approval queue: a medium or high risk version does not start journeys until accepted. */
  approvals?: ApprovalsService | undefined;
  /** Whether a decide step's placement may choose an incentive (its versions are then medium risk). */
  incentivePlacement?: ((placementId: string) => boolean) | undefined;
  /** Pages through all profiles (segment sweeps, schedules, catalog triggers). */
  scanProfiles?: ((afterId: string, limit: number) => Promise<ProfileState[]>) | undefined;
}
