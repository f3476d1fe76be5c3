/**
 * Request fields shared by the operations of several areas. Everything here is in the bundle of every handler
 * that imports any of it — esbuild keeps a module's top-level schema constants whether used or not (zod's
 * no-side-effects annotations do not reach across modules) — so it holds only the small pieces most operations
 * use; the page query of the lists is page-query.schema.ts, response pieces are common.view.ts.
 */
import * as z from '../core/validation.ts';
import { ID_PATTERN } from '../adapters/dynamodb/keys.ts';
import { isIsoDate } from '../core/dates.ts';

/**
 * Characters no free-text field accepts: C0 and C1 control characters (NUL, newlines — a name goes into mail
 * headers and SMS), DEL, the line and paragraph separators, and the bidirectional marks, embeddings, overrides
 * and isolates that can make a name read differently from what it is (U+061C, U+200E–F, U+202A–E, U+2066–9).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** The one refinement every free-text field shares. */
export const isSafeText = (value: string): boolean => !UNSAFE_TEXT.test(value);
export const UNSAFE_TEXT_MESSAGE = 'Control characters and bidirectional-override characters are not allowed.';

/** A free-text field (a name, an address line, a reason): trimmed, `min`–`max` characters, no control or bidi-override characters. */
export function freeText(max: number, min = 1) {
  return z.string().check(z.trim(), z.minLength(min), z.maxLength(max), z.refine(isSafeText, UNSAFE_TEXT_MESSAGE));
}

/** An opaque token a client passes through (an authKey): no whitespace trimming, but no control characters either. */
export function opaqueText(max: number) {
  return z.string().check(z.minLength(1), z.maxLength(max), z.refine(isSafeText, UNSAFE_TEXT_MESSAGE));
}

/** Ids become parts of table keys, so they never contain the key separator. */
export const idSchema = z.string().check(z.regex(ID_PATTERN, 'Use 1–64 letters, digits, "-" or "_", starting with a letter or digit.'));

export const isoDateSchema = z.string().check(z.refine(isIsoDate, 'Use a calendar date, YYYY-MM-DD.'));

/** `/…/subscriptions/{subscriptionId}` of the buyer's and the shop's routes. */
export const subscriptionParams = z.strictObject({ subscriptionId: idSchema });
