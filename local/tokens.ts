/**
 * Local stand-in for the API Gateway JWT authorizer: mints HS256 tokens for
 * `POST /_local/token` and verifies them (signature, issuer, audience, expiry)
 * before a request reaches a handler, which then sees the claims exactly where
 * API Gateway puts them. With a data folder the secret is kept there, so tokens
 * survive a restart; in memory it is new each start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';

export const LOCAL_ISSUER = 'urn:subscriptions:local';
export const LOCAL_AUDIENCE = 'subscriptions-api';
const TOKEN_LIFETIME = '12h';

export interface LocalClaims {
  readonly sub: string;
  readonly shop: string;
  readonly role: string;
}

export class LocalTokens {
  private constructor(private readonly secret: Uint8Array) {}

  static create(dataDir: string | null): LocalTokens {
    if (!dataDir) return new LocalTokens(randomBytes(32));
    const file = join(dataDir, 'token-secret');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return new LocalTokens(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  }

  /** Tokens expire by real time, as API Gateway checks them; the simulated clock does not age them. */
  mint(claims: LocalClaims): Promise<string> {
    return new SignJWT({ shop: claims.shop, role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(TOKEN_LIFETIME)
      .sign(this.secret);
  }

  /** The verified claims as API Gateway passes them (string values), or null for a missing or bad token. */
  async verify(authorization: string | undefined): Promise<Record<string, string> | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return null;
    try {
      const { payload } = await jwtVerify(match[1], this.secret, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ['HS256'] });
      return Object.fromEntries(Object.entries(payload).map(([key, value]) => [key, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]));
    } catch {
      return null;
    }
  }
}
