/**
 * The claim contract between an identity provider and this API (docs/auth.md
 * explains it, with a Cognito user pool as the worked example). lib/ puts one
 * authorization scope per role on each route's JWT authorizer; local/ mints
 * and checks tokens the same way; functions/ reads the claims.
 *
 * - An ACCESS token (never an ID token): `token_use` is `access` when present
 *   (Cognito), and the route's scope must be in `scope` — ID tokens carry none.
 * - `sub`: the user; `shop`: the shop id; `role`: customer | admin | platform.
 * - `scope`: space-separated, holding `subscriptions/<role>` for the route's role.
 */
import type { Role } from './functions.ts';

/** The resource server's identifier: scopes are `subscriptions/customer`, `subscriptions/admin`, `subscriptions/platform`. */
export const SCOPE_RESOURCE = 'subscriptions';

/** The one authorization scope a role's routes require. */
export function scopeFor(role: Role): string {
  return `${SCOPE_RESOURCE}/${role}`;
}

/** No token is accepted for longer than this from now (local dev tokens carry exactly this lifetime). */
export const MAX_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

/** API Gateway hands claims to the handler as strings; a list claim arrives as `[a b]`, a scope as `a b`. */
export function scopesOf(claim: unknown): string[] {
  if (typeof claim !== 'string') return [];
  return claim.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}
