/**
 * Public types of the audiences module: paid-media audience definitions, their refresh status,
 * hashed members, the export payload, and the owned-contact source the module depends on.
 */
import type { Condition } from '../../core/index.ts';

export type AudienceFormat = 'meta' | 'google';
export type AudienceStatus = 'active' | 'paused';
export type IdentifierKind = 'email' | 'phone';

/**
 * Where members go. `file`: a full CSV snapshot rewritten on every change (default
 * `<dataDir>/audiences/<id>.<format>.csv`; a relative `path` is under `<dataDir>/audiences`).
 * `webhook`: adds and removes POSTed as JSON, signed with `secret` (default BRAID_WEBHOOK_SECRET).
 */
export type Destination =
  | { type: 'file'; path?: string | undefined }
  | { type: 'webhook'; url: string; secret?: string | undefined };

/** What a caller writes (POST/PUT). */
export interface AudienceInput {
  id?: string | undefined;
  name: string;
  where: Condition;
  destination: Destination;
  format: AudienceFormat;
  refreshMinutes?: number | undefined;
  status?: AudienceStatus | undefined;
}

export interface Audience {
  id: string;
  name: string;
  where: Condition;
  destination: Destination;
  format: AudienceFormat;
  refreshMinutes: number;
  status: AudienceStatus;
  createdAt: string;
  updatedAt: string;
}

/** An audience as the API shows it: the webhook secret is never echoed. */
export type AudienceView = Omit<Audience, 'destination'> & {
  destination: { type: 'file'; path: string } | { type: 'webhook'; url: string; secretSet: boolean };
};

export interface RefreshStatus {
  lastRefreshAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** Profiles in the audience and their hashed identifiers, at the last successful refresh. */
  profiles: number;
  emails: number;
  phones: number;
  lastAdds: number;
  lastRemoves: number;
  nextRefreshAt: string | null;
}

export interface HashedMember { type: IdentifierKind; hash: string }

export interface RefreshResult {
  audienceId: string;
  at: string;
  profiles: number;
  adds: number;
  removes: number;
  /** False when another process holds the refresh lease (nothing was done). */
  ran: boolean;
}

/**
 * The webhook body. `adds` and `removes` are the hashed identifiers (email and phone hashes
 * alike); `byType` splits them for uploaders that send each schema separately (Meta EMAIL_SHA256 /
 * PHONE_SHA256, Google hashedEmail / hashedPhoneNumber).
 */
export interface ExportPayload {
  audience: { id: string; name: string };
  format: AudienceFormat;
  adds: string[];
  removes: string[];
  byType: Record<IdentifierKind, { adds: string[]; removes: string[] }>;
  at: string;
}

/** An owned-channel contact; the shape of channels' `Contact` this module needs. */
export interface OwnedContact { channel: string; at: number; status: string }

/** The channels module's contact history (its `contacts` method), declared here to depend on its shape only. */
export interface ContactSource {
  contacts(profileIds: string[], sinceMs: number): Promise<Map<string, OwnedContact[]>>;
}

export interface AudiencesService {
  /** The API view of a definition: the resolved file path, never the webhook secret. */
  view(a: Audience): AudienceView;
  list(): Promise<Audience[]>;
  get(id: string): Promise<Audience>;
  /** Creates (id generated when absent); 409 when the id exists. Errors name fields. */
  create(input: unknown): Promise<Audience>;
  /** Replaces a definition; the membership is recomputed at the next refresh. */
  update(id: string, input: unknown): Promise<Audience>;
  remove(id: string): Promise<void>;
  /** Recomputes the membership now and exports the difference. */
  refresh(id: string): Promise<RefreshResult>;
  status(id: string): Promise<RefreshStatus>;
  members(id: string, opts: { limit: number; after?: string | undefined }): Promise<{ items: HashedMember[]; nextCursor: string | null }>;
  /** Refreshes due audiences on a timer (a real setTimeout; "due" uses the injected clock). */
  start(): void;
  stop(): Promise<void>;
}
