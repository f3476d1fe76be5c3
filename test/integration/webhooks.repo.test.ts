/** Webhook endpoints and deliveries against the embedded DynamoDB engine (issue 13). */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhooksRepository } from '../../functions/adapters/dynamodb/webhooks.repo.ts';
import { MAX_WEBHOOK_ENDPOINTS } from '../../functions/domain/webhook-endpoint.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';

let table: EmbeddedTable;
beforeAll(async () => {
  table = await startEmbeddedTable();
});
afterAll(() => table?.stop());

const at = '2026-11-27T10:00:00+09:00';
const endpoint = (shopId: string, id: string) => ({ shopId, id, url: 'https://hooks.example.com/in', events: ['subscription.created' as const], createdAt: at, sealedSecret: 'env1.sealed' });

describe('webhooks repository', () => {
  it(`caps a shop at ${MAX_WEBHOOK_ENDPOINTS} slots; a released slot is free again; a list never carries the secret`, async () => {
    const repo = webhooksRepository(table.db, table.tableName);
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i += 1) expect(await repo.reserveSlot('wh-1', `ep${i}`, at)).toBe(true);
    expect(await repo.reserveSlot('wh-1', 'one-more', at)).toBe(false);
    expect(await repo.reserveSlot('wh-2', 'other-shop', at)).toBe(true);
    await repo.releaseSlot('wh-1', 'ep3');
    expect(await repo.reserveSlot('wh-1', 'one-more', at)).toBe(true);
    expect(Object.keys(await repo.slots('wh-1'))).toHaveLength(MAX_WEBHOOK_ENDPOINTS);

    await repo.putEndpoint(endpoint('wh-1', 'ep0'));
    expect(await repo.listEndpoints('wh-1')).toEqual([{ shopId: 'wh-1', id: 'ep0', url: 'https://hooks.example.com/in', events: ['subscription.created'], createdAt: at }]);
    expect(await repo.getEndpoint('wh-1', 'ep0')).toMatchObject({ sealedSecret: 'env1.sealed' });
    expect(await repo.getEndpoint('wh-2', 'ep0')).toBeUndefined();
    expect(await repo.deleteEndpoint('wh-1', 'ep0')).toBe(true);
    expect(await repo.deleteEndpoint('wh-1', 'ep0')).toBe(false);
  });

  it('records each attempt once, lists deliveries newest first in pages, and expires them after 30 days', async () => {
    const repo = webhooksRepository(table.db, table.tableName);
    const ref = (n: number) => ({ shopId: 'wh-3', endpointId: 'ep', eventId: `sub${n}.created`, eventAt: `2026-11-2${n}T01:00:00Z` });
    for (const n of [1, 2, 3]) {
      await repo.createDelivery({ ...ref(n), eventType: 'subscription.created', body: `{"n":${n}}` }, new Date('2026-11-27T01:00:00Z'));
    }
    // A repeated fan-out of the same event writes nothing new.
    await repo.createDelivery({ ...ref(1), eventType: 'subscription.created', body: '{"changed":true}' }, new Date());
    expect(await repo.getDelivery(ref(1))).toMatchObject({ status: 'PENDING', attempts: [], body: '{"n":1}' });

    const first = { attempt: 1, at: '2026-11-27T10:00:00+09:00', statusCode: 500, durationMs: 12, nextAttemptAt: '2026-11-27T10:00:05+09:00' };
    expect(await repo.recordAttempt(ref(1), first, 'PENDING')).toBe(true);
    expect(await repo.recordAttempt(ref(1), first, 'PENDING')).toBe(false);
    expect(await repo.recordAttempt(ref(1), { attempt: 2, at: first.at, statusCode: 204, durationMs: 8 }, 'DELIVERED')).toBe(true);
    expect(await repo.getDelivery(ref(1))).toMatchObject({ status: 'DELIVERED', attempts: [first, { attempt: 2, statusCode: 204 }] });

    const page1 = await repo.listDeliveries('wh-3', 'ep', { limit: 2 });
    expect(page1.items.map((d) => d.eventId)).toEqual(['sub3.created', 'sub2.created']);
    const page2 = await repo.listDeliveries('wh-3', 'ep', { limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((d) => d.eventId)).toEqual(['sub1.created']);
    await expect(repo.listDeliveries('wh-3', 'other', { limit: 2, cursor: page1.nextCursor! })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });

    const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'SHOP#wh-3#WEBHOOK#ep', sk: 'DELIVERY#2026-11-21T01:00:00Z#sub1.created' } }));
    expect(Item?.expiresAt).toBe(Date.parse('2026-11-27T01:00:00Z') / 1000 + 30 * 86_400);
  });
});
