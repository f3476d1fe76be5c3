/**
 * Local stand-in for the API Gateway JWT authorizer: mints HS256 tokens for
 * `POST /_local/token` and verifies them (signature, issuer, audience, expiry)
 * before a request reaches a handler, which then sees the claims exactly where
 * API Gateway puts them. Every token carries `exp`, at most 12 hours ahead. With a data folder the secret is kept there, so tokens
 * survive a restart; in memory it is new each start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import { MAX_TOKEN_LIFETIME_SECONDS, scopeFor } from '../system/auth.ts';
import type { Role } from '../system/functions.ts';

export const LOCAL_ISSUER = 'urn:subscriptions:local';
export const LOCAL_AUDIENCE = 'subscriptions-api';

export interface LocalClaims {
  readonly sub: string;
  readonly shop: string;
  readonly role: Role;
}

/** What a test may change to forge a bad token (never reachable over HTTP). */
export interface TokenVariation {
  readonly audience?: string;
  /** Epoch seconds; null leaves `exp` out. */
  readonly expiresAt?: number | null;
  readonly tokenUse?: string;
  /** The scope claim; null leaves it out. */
  readonly scope?: string | null;
}

export class LocalTokens {
  private constructor(private readonly secret: Uint8Array) {}

  static create(dataDir: string | null): LocalTokens {
    if (!dataDir) return new LocalTokens(randomBytes(32));
    const file = join(dataDir, 'token-secret');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return new LocalTokens(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  }

  /**
   * An access token as an identity provider would issue it (system/auth.ts): the role's scope, token_use
   * `access`, and an expiry 12 hours ahead by real time, as API Gateway checks them (the simulated clock does not age them).
   */
  mint(claims: LocalClaims, variation: TokenVariation = {}): Promise<string> {
    const scope = variation.scope === undefined ? scopeFor(claims.role) : variation.scope;
    const jwt = new SignJWT({ shop: claims.shop, role: claims.role, token_use: variation.tokenUse ?? 'access', ...(scope === null ? {} : { scope }) })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(variation.audience ?? LOCAL_AUDIENCE)
      .setIssuedAt();
    const expiresAt = variation.expiresAt === undefined ? Math.floor(Date.now() / 1000) + MAX_TOKEN_LIFETIME_SECONDS : variation.expiresAt;
    if (expiresAt !== null) jwt.setExpirationTime(expiresAt);
    return jwt.sign(this.secret);
  }

  /**
   * As API Gateway's JWT authorizer: signature, issuer, audience, and an `exp` that is present, in the future
   * and at most 12 hours ahead. The claims come back as API Gateway passes them (string values), or null.
   */
  async verify(authorization: string | undefined): Promise<Record<string, string> | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return null;
    try {
      const { payload } = await jwtVerify(match[1], this.secret, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      if ((payload.exp ?? 0) > Math.floor(Date.now() / 1000) + MAX_TOKEN_LIFETIME_SECONDS + 60) return null;
      return Object.fromEntries(Object.entries(payload).map(([key, value]) => [key, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]));
    } catch {
      return null;
    }
  }
}
