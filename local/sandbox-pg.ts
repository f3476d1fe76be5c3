/**
 * The sandbox payment gateway's registration window (`POST
 * /_local/sandbox-pg/authorize`): what a buyer's browser would do in the PG's
 * card-registration popup. It answers an authKey that checkout later exchanges
 * for a billing key. Like a real PG it keeps only card facts (issuer, last
 * four, how it behaves), never the card number.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Unprocessable } from '../functions/core/errors.ts';

/** The contract's test cards (README.md lists them for users). */
export const TEST_CARDS = {
  '9410000000000001': { issuer: 'Sandbox Card', domestic: true, behaviour: 'succeeds' },
  '9410000000000002': { issuer: 'Sandbox Card', domestic: true, behaviour: 'declines' },
  '9410000000000003': { issuer: 'Sandbox Card', domestic: true, behaviour: 'times-out-after-capture' },
  '4242424242424242': { issuer: 'Visa', domestic: false, behaviour: 'succeeds' },
} as const;

export type CardBehaviour = (typeof TEST_CARDS)[keyof typeof TEST_CARDS]['behaviour'];

export interface Authorization {
  readonly authKey: string;
  readonly subscriptionId: string;
  readonly method: 'card' | 'kakaopay';
  readonly issuer: string;
  readonly last4: string | null;
  readonly domestic: boolean;
  readonly behaviour: CardBehaviour;
  readonly kakaoPayMethod?: 'card' | 'money';
}

export const authorizeBody = z.union([
  z.strictObject({ subscriptionId: z.string().min(1).max(64), cardNumber: z.string().regex(/^\d{4}-?\d{4}-?\d{4}-?\d{4}$/, 'A card number is 16 digits, optionally in groups of four.') }),
  z.strictObject({ subscriptionId: z.string().min(1).max(64), kakaoPayMethod: z.enum(['card', 'money']) }),
]);

export class SandboxPg {
  private readonly authorizations = new Map<string, Authorization>();

  constructor(private readonly stateFile: string | null) {
    if (stateFile && existsSync(stateFile)) {
      for (const entry of JSON.parse(readFileSync(stateFile, 'utf8')) as Authorization[]) this.authorizations.set(entry.authKey, entry);
    }
  }

  static create(dataDir: string | null): SandboxPg {
    return new SandboxPg(dataDir ? join(dataDir, 'sandbox-pg.json') : null);
  }

  authorize(request: z.infer<typeof authorizeBody>): { authKey: string } {
    const authKey = `sbx_auth_${randomBytes(12).toString('hex')}`;
    let authorization: Authorization;
    if ('cardNumber' in request) {
      const digits = request.cardNumber.replace(/-/g, '');
      const card = TEST_CARDS[digits as keyof typeof TEST_CARDS];
      if (!card) throw new Unprocessable('UNKNOWN_TEST_CARD', 'The sandbox only knows the test cards listed in README.md.', [{ path: 'cardNumber', message: 'Not a sandbox test card.' }]);
      authorization = { authKey, subscriptionId: request.subscriptionId, method: 'card', issuer: card.issuer, last4: digits.slice(-4), domestic: card.domestic, behaviour: card.behaviour };
    } else {
      authorization = { authKey, subscriptionId: request.subscriptionId, method: 'kakaopay', issuer: 'KakaoPay', last4: null, domestic: true, behaviour: 'succeeds', kakaoPayMethod: request.kakaoPayMethod };
    }
    this.authorizations.set(authKey, authorization);
    this.persist();
    return { authKey };
  }

  /** What the gateway adapter reads when it exchanges an authKey. */
  authorization(authKey: string): Authorization | undefined {
    return this.authorizations.get(authKey);
  }

  private persist(): void {
    if (this.stateFile) writeFileSync(this.stateFile, JSON.stringify([...this.authorizations.values()], null, 1));
  }
}
