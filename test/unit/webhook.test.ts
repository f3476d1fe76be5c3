/** Signed webhooks' rules (issue 13): the retry schedule over more than 24 h, SQS's delay cap, URL validation (SSRF), Standard Webhooks signatures. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from '../../functions/adapters/webhooks/secret.ts';
import { signDelivery } from '../../functions/adapters/webhooks/signer.ts';
import { isEarly, isPrivateAddress, nextAttemptAt, outcomeOf, RETRY_DELAYS_SECONDS, sqsDelaySeconds, SQS_MAX_DELAY_SECONDS, webhookUrlProblem } from '../../functions/domain/webhook.ts';

describe('retries', () => {
  it('spread eight attempts over more than 24 hours, then give up', () => {
    const start = new Date('2026-03-02T00:00:00Z');
    let at = start;
    let attempt = 1;
    for (; ; attempt += 1) {
      const next = nextAttemptAt(attempt, at);
      if (!next) break;
      expect(next.getTime()).toBeGreaterThan(at.getTime());
      at = next;
    }
    expect(attempt).toBe(RETRY_DELAYS_SECONDS.length + 1);
    expect(at.getTime() - start.getTime()).toBeGreaterThan(24 * 3600 * 1000);
    expect(outcomeOf(500, attempt - 1)).toBe('retry');
    expect(outcomeOf(undefined, attempt)).toBe('failed');
    expect(outcomeOf(204, attempt)).toBe('delivered');
    expect(outcomeOf(301, 1)).toBe('retry');
  });

  it('reach a due time beyond SQS’s 15-minute delay in capped hops', () => {
    const now = new Date('2026-03-02T00:00:00Z');
    expect(sqsDelaySeconds(new Date(now.getTime() + 5_000), now)).toBe(5);
    expect(sqsDelaySeconds(new Date(now.getTime() + 2 * 3600_000), now)).toBe(SQS_MAX_DELAY_SECONDS);
    expect(sqsDelaySeconds(new Date(now.getTime() - 1_000), now)).toBe(0);
    expect(isEarly(new Date(now.getTime() + 1), now)).toBe(true);
    expect(isEarly(now, now)).toBe(false);
  });
});

describe('endpoint URLs (SSRF)', () => {
  it.each([
    ['https://shop.example.com/hooks', false, undefined],
    ['http://shop.example.com/hooks', false, 'Use an https:// URL.'],
    ['http://localhost:8080/_local/webhook-sink/a', true, undefined],
    ['http://localhost:8080/hooks', false, 'Use an https:// URL.'],
    ['https://localhost/hooks', false, 'Private, loopback and link-local addresses are not allowed.'],
    ['https://169.254.169.254/latest/meta-data', false, 'Private, loopback and link-local addresses are not allowed.'],
    ['https://10.0.0.7/hooks', false, 'Private, loopback and link-local addresses are not allowed.'],
    ['https://[::1]/hooks', false, 'Private, loopback and link-local addresses are not allowed.'],
    ['https://[fd00::1]/hooks', false, 'Private, loopback and link-local addresses are not allowed.'],
    ['https://[::ffff:192.168.0.1]/hooks', false, 'Private, loopback and link-local addresses are not allowed.'],
    ['https://user:pw@shop.example.com/', false, 'A URL must not carry credentials; authenticate with the signature instead.'],
    ['https://intranet/hooks', false, 'Use a public host name.'],
    ['https://db.internal/hooks', false, 'Use a public host name.'],
    ['not a url', false, 'Not a URL.'],
  ])('%s (local http allowed: %s) → %s', (url, allowLocalHttp, problem) => {
    expect(webhookUrlProblem(url, { allowLocalHttp })).toBe(problem);
  });

  it.each([
    ['8.8.8.8', false], ['172.15.0.1', false], ['172.16.0.1', true], ['172.31.255.255', true], ['100.64.0.1', true], ['127.0.0.1', true], ['2001:db8::1', false], ['fe80::1', true], ['shop.example.com', false],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks library; a changed body, id or secret does not', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({ type: 'subscription.created', timestamp: new Date().toISOString(), shopId: 's', data: { subscriptionId: 'sub-1' } });
    const headers = signDelivery(secret, { id: 'sub-1.created', at: new Date(), body });
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(body, { ...headers })).toMatchObject({ type: 'subscription.created' });
    expect(() => new Webhook(secret).verify(body.replace('sub-1', 'sub-2'), { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'other' })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow();
  });
});
