/**
 * Webhook fan-out and delivery use cases (issue 13) against the embedded table, with a captured queue and a
 * scripted endpoint: the first attempt, a failure's retry (its delay and due time), an early message sent on,
 * the eighth failure FAILED, a redelivered message never recording twice, signatures that verify.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { webhooksRepository } from '../../functions/adapters/dynamodb/webhooks.repo.ts';
import { httpWebhookSender } from '../../functions/adapters/webhooks/sender.ts';
import { newWebhookSecret } from '../../functions/adapters/webhooks/secret.ts';
import { MAX_DELIVERY_ATTEMPTS } from '../../functions/domain/webhook-endpoint.ts';
import { RETRY_DELAYS_SECONDS } from '../../functions/domain/webhook.ts';
import type { Sealer } from '../../functions/ports/sealer.ts';
import type { WebhookPost } from '../../functions/ports/webhook-sender.ts';
import { deliverWebhook, fanOutEvent, type DeliveryMessage } from '../../functions/use-cases/webhook-delivery.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';

let table: EmbeddedTable;
beforeAll(async () => {
  table = await startEmbeddedTable();
});
afterAll(() => table?.stop());

/** Seals by prefixing the context (the envelope sealer has its own tests); refuses another purpose. */
const sealer: Sealer = {
  seal: async (plaintext, context) => `sealed:${context.shopId}:${context.purpose}:${plaintext}`,
  open: async (sealed, context) => {
    const prefix = `sealed:${context.shopId}:${context.purpose}:`;
    if (!sealed.startsWith(prefix)) throw new Error('wrong context');
    return sealed.slice(prefix.length);
  },
  isSealed: (value) => value.startsWith('sealed:'),
};

function system(shopId: string) {
  let now = new Date('2026-11-27T01:00:00Z');
  const sent: Array<{ message: DeliveryMessage; delaySeconds: number }> = [];
  const posts: WebhookPost[] = [];
  const answers: Array<number | undefined> = [];
  const deps = {
    clock: { now: () => now },
    webhooks: webhooksRepository(table.db, table.tableName),
    workQueue: { send: async (messages: readonly unknown[], options: { delaySeconds?: number } = {}) => void sent.push(...messages.map((message) => ({ message: message as DeliveryMessage, delaySeconds: options.delaySeconds ?? 0 }))) },
    sealer,
    webhookSender: {
      post: async (request: WebhookPost) => {
        posts.push(request);
        const status = answers.shift();
        return status === undefined ? { durationMs: 15_000, error: 'timeout' } : { statusCode: status, durationMs: 12 };
      },
    },
  };
  const secret = newWebhookSecret();
  const addEndpoint = async (id: string, events: string[]) =>
    deps.webhooks.putEndpoint({ shopId, id, url: `https://hooks.example.com/${id}`, events: events as never, createdAt: '2026-11-27T10:00:00+09:00', sealedSecret: await sealer.seal(secret, { shopId, purpose: 'webhook-secret' }) });
  const event = (id: string, type = 'subscription.cancelled') => ({ 'detail-type': type, time: '2026-11-27T01:00:00Z', detail: { id, shopId, subscriptionId: 'sub-1', customerId: 'buyer-1', reason: 'buyer' } });
  return { deps, sent, posts, answers, secret, addEndpoint, event, setNow: (at: Date) => void (now = at), take: () => sent.splice(0).map((entry) => entry) };
}

describe('fan-out', () => {
  it('enqueues one first attempt per endpoint subscribed to the type, and a repeat of the event writes nothing new', async () => {
    const s = system('fan-1');
    await s.addEndpoint('a', ['subscription.cancelled']);
    await s.addEndpoint('b', ['subscription.created']);
    await s.addEndpoint('c', ['subscription.cancelled', 'subscription.created']);
    expect(await fanOutEvent(s.deps, s.event('sub-1.cancelled'))).toBe(2);
    const messages = s.take();
    expect(messages.map(({ message }) => message.endpointId).sort()).toEqual(['a', 'c']);
    expect(messages[0]).toMatchObject({ delaySeconds: 0, message: { kind: 'WEBHOOK_DELIVERY', attempt: 1, eventId: 'sub-1.cancelled', dueAt: '2026-11-27T01:00:00.000Z' } });
    const delivery = await s.deps.webhooks.getDelivery(messages[0]!.message);
    expect(JSON.parse(delivery!.body)).toEqual({ type: 'subscription.cancelled', timestamp: '2026-11-27T01:00:00Z', shopId: 'fan-1', data: { subscriptionId: 'sub-1', customerId: 'buyer-1', reason: 'buyer' } });
  });
});

describe('delivery', () => {
  it('signs per Standard Webhooks (verifiable with its library) and records a 2xx as DELIVERED', async () => {
    const s = system('del-1');
    await s.addEndpoint('a', ['subscription.cancelled']);
    await fanOutEvent(s.deps, s.event('sub-1.cancelled'));
    s.answers.push(204);
    // A verifier refuses a timestamp more than 5 minutes from its own clock: attempt at the real time.
    s.setNow(new Date());
    expect(await deliverWebhook(s.deps, s.take()[0]!.message)).toBe('delivered');
    const [post] = s.posts;
    expect(post!.headers['webhook-id']).toBe('sub-1.cancelled');
    expect(new Webhook(s.secret).verify(post!.body, post!.headers as Record<string, string>)).toMatchObject({ type: 'subscription.cancelled' });
    expect(() => new Webhook(newWebhookSecret()).verify(post!.body, post!.headers as Record<string, string>)).toThrow();
    const page = await s.deps.webhooks.listDeliveries('del-1', 'a', { limit: 5 });
    expect(page.items[0]).toMatchObject({ status: 'DELIVERED', attempts: [{ attempt: 1, statusCode: 204, durationMs: 12 }] });
    expect(s.take()).toEqual([]);
  });

  it('re-enqueues a failure with the next delay and due time; an early message is sent on; the 8th failure is FAILED', async () => {
    const s = system('del-2');
    await s.addEndpoint('a', ['subscription.cancelled']);
    await fanOutEvent(s.deps, s.event('sub-2.cancelled'));
    let message = s.take()[0]!.message;
    let now = new Date('2026-11-27T01:00:00Z');
    for (let attempt = 1; attempt < MAX_DELIVERY_ATTEMPTS; attempt += 1) {
      s.answers.push(503);
      expect(await deliverWebhook(s.deps, message)).toBe('retry');
      const due = new Date(now.getTime() + RETRY_DELAYS_SECONDS[attempt - 1]! * 1000);
      let [next] = s.take();
      expect(next!.message).toMatchObject({ attempt: attempt + 1, dueAt: due.toISOString() });
      expect(next!.delaySeconds).toBe(Math.min(900, RETRY_DELAYS_SECONDS[attempt - 1]!));
      // Beyond SQS's 15 minutes: each early receipt sends it on with the same due time, never attempting it.
      while (next!.delaySeconds === 900 && due.getTime() - now.getTime() > 900_000) {
        now = new Date(now.getTime() + 900_000);
        s.setNow(now);
        expect(await deliverWebhook(s.deps, next!.message)).toBe('early');
        [next] = s.take();
        expect(next!.message).toMatchObject({ attempt: attempt + 1, dueAt: due.toISOString() });
      }
      now = due;
      s.setNow(now);
      message = next!.message;
    }
    // No answer at all (a timeout) on the last attempt.
    expect(await deliverWebhook(s.deps, message)).toBe('failed');
    expect(s.take()).toEqual([]);
    const delivery = await s.deps.webhooks.getDelivery(message);
    expect(delivery!.status).toBe('FAILED');
    expect(delivery!.attempts).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(delivery!.attempts[0]).toMatchObject({ statusCode: 503, nextAttemptAt: '2026-11-27T10:00:05+09:00' });
    expect(delivery!.attempts.at(-1)).toEqual({ attempt: MAX_DELIVERY_ATTEMPTS, at: expect.any(String), durationMs: 15_000, error: 'timeout' });
    // Spread over at least 24 h (the floor).
    expect(now.getTime() - Date.parse('2026-11-27T01:00:00Z')).toBeGreaterThan(24 * 3600_000);
  });

  it('a redelivered message neither posts nor records twice; a message handed over before its delay is refused, not looped', async () => {
    const s = system('del-3');
    await s.addEndpoint('a', ['subscription.cancelled']);
    await fanOutEvent(s.deps, s.event('sub-3.cancelled'));
    const first = s.take()[0]!.message;
    s.answers.push(500);
    await deliverWebhook(s.deps, first);
    const retry = s.take()[0]!.message;
    expect(await deliverWebhook(s.deps, first)).toBe('skipped');
    expect(s.posts).toHaveLength(1);
    expect(s.take()).toEqual([]);
    await expect(deliverWebhook(s.deps, retry)).rejects.toThrow(/before its DelaySeconds/);
  });

  it('stops for a deleted endpoint', async () => {
    const s = system('del-4');
    await s.addEndpoint('a', ['subscription.cancelled']);
    await fanOutEvent(s.deps, s.event('sub-4.cancelled'));
    await s.deps.webhooks.deleteEndpoint('del-4', 'a');
    expect(await deliverWebhook(s.deps, s.take()[0]!.message)).toBe('skipped');
    expect(s.posts).toEqual([]);
  });
});

describe('the HTTP sender', () => {
  it('refuses a name that resolves to a private address at connect time (DNS rebinding), and gives up after its timeout', async () => {
    const server = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // `localhost` passes no URL check in AWS, but stands for any public name re-pointed at a private address.
      const refused = await httpWebhookSender({ allowLocalHttp: false }).post({ url: `http://localhost:${port}/in`, headers: {}, body: '{}' });
      expect(refused).toMatchObject({ error: 'private-address' });
      expect(refused.statusCode).toBeUndefined();
      const silent = await httpWebhookSender({ allowLocalHttp: true, timeoutMs: 200 }).post({ url: `http://localhost:${port}/in`, headers: {}, body: '{}' });
      expect(silent).toMatchObject({ error: 'timeout' });
      expect(silent.durationMs).toBeGreaterThanOrEqual(190);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
