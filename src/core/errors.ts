/**
 * One error type for the whole service. Codes map to HTTP status in exactly one place
 * (ERROR_STATUS), GrowthBook-style, so routes throw meaning and the HTTP layer picks the status.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  event_too_large: 400,
  batch_too_large: 400,
  unauthorized: 401,
  forbidden: 403,
  /** The principal who submitted a version may not decide on it (approvals). */
  four_eyes: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetails {
  /** JSON-pointer-ish path of the offending field, e.g. `batch[3].userId`. */
  field?: string;
  /** Index of the offending message inside a batch. */
  index?: number;
  [k: string]: unknown;
}

export class BraidError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'BraidError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function invalid(field: string, message: string, extra: ErrorDetails = {}): BraidError {
  return new BraidError('invalid_request', `${field}: ${message}`, { field, ...extra });
}

export function notFound(what: string): BraidError {
  return new BraidError('not_found', `${what} not found`);
}
