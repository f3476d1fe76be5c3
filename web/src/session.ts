/**
 * Who is signed in, per role, in this browser. A page of one role (the
 * merchant console, my subscriptions…) uses that role's bearer token.
 *
 * Tokens come from the shop's or platform's identity provider in production:
 * a login redirect hands one over in the URL fragment (`#token=…`, never sent
 * to any server), or a person pastes one. With `npm start` the demo logins
 * mint them at POST /_local/token. An expired token is forgotten.
 */
import type { TokenRequest } from '../../local/local-api.ts';
import { localApi } from './api/local.ts';

export type Role = 'customer' | 'admin' | 'platform';

export interface Session extends Omit<TokenRequest, 'role'> {
  readonly token: string;
  readonly role: Role;
  /** Seconds since the epoch, from the token's `exp`. */
  readonly exp?: number;
}

const key = (role: Role) => `subscriptions.session.${role}`;
const listeners = new Set<() => void>();

function claimsOf(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** A session from a bearer token, or null when it is not a token of ours (role, shop and sub claims). */
export function sessionFromToken(token: string): Session | null {
  const claims = claimsOf(token.trim());
  const role = claims?.role;
  if (!claims || (role !== 'customer' && role !== 'admin' && role !== 'platform')) return null;
  if (typeof claims.sub !== 'string' || typeof claims.shop !== 'string') return null;
  return { token: token.trim(), role, shop: claims.shop, sub: claims.sub, ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}) };
}

export function getSession(role: Role): Session | null {
  const stored = localStorage.getItem(key(role));
  const session = stored ? sessionFromToken(stored) : null;
  if (session?.exp !== undefined && session.exp * 1000 < Date.now() + 30_000) {
    localStorage.removeItem(key(role));
    return null;
  }
  return session;
}

export function saveToken(token: string): Session | null {
  const session = sessionFromToken(token);
  if (!session) return null;
  localStorage.setItem(key(session.role), session.token);
  for (const listener of listeners) listener();
  return session;
}

export function signOut(role: Role): void {
  localStorage.removeItem(key(role));
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `npm start` only: a demo login for any role, shop and user. */
export async function demoLogin(role: Role, shop: string, sub: string): Promise<Session> {
  const { token } = await localApi.token({ role, shop, sub });
  const session = saveToken(token);
  if (!session) throw new Error('The local runtime minted a token without our claims.');
  return session;
}

/** A token handed over in the URL fragment (`#token=…`) is kept and removed from the address bar. */
export function takeTokenFromFragment(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return;
  saveToken(decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search);
}
