/**
 * The Idempotency-Key header's contract (issue 13): its name, limits and refusals. Kept apart from the
 * mechanism (./idempotency.ts, Powertools) so that the OpenAPI document can state them without bundling it.
 */
import { AppError, ValidationFailed } from '../core/errors.ts';

/** How long a key is remembered (issue 13: 24 h, as Stripe). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** The request header (API Gateway and the local server lower-case header names). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Stripe's limit; anything longer is a client bug, not a key. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** Set on a replayed answer, so a client can tell it did not run twice. */
export const REPLAYED_HEADER = 'idempotent-replayed';

export class IdempotencyKeyReused extends AppError {
  constructor() {
    super(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request; use a new key for a new request.');
  }
}

export class IdempotencyKeyInProgress extends AppError {
  constructor() {
    super(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'A request with this Idempotency-Key is still running; retry in a moment to get its answer.');
  }
}

/** Reads and checks the header: undefined when absent (the request is not idempotent), 400 when malformed. */
export function idempotencyKeyFrom(headers: Record<string, string | undefined> | undefined): string | undefined {
  const value = headers?.[IDEMPOTENCY_HEADER];
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > IDEMPOTENCY_KEY_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ValidationFailed([{ path: 'header.Idempotency-Key', message: `1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters.` }]);
  }
  return value;
}

