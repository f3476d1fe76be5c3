/**
 * Issue 12: the fan-out reads a shop's webhook endpoints once per batch of events (one Query per charged cycle
 * before), and not beyond the batch.
 */
import { describe, expect, it } from 'vitest';
import { oneBatch, type FanOutDeps } from '../../functions/use-cases/webhook-delivery.ts';

function fakeDeps(answers: Array<() => Promise<never[]>>) {
  const calls: string[] = [];
  const webhooks = { listEndpoints: (shopId: string) => (calls.push(shopId), answers.shift()!()) } as unknown as FanOutDeps['webhooks'];
  return { deps: { clock: { now: () => new Date() }, webhooks, workQueue: { send: async () => undefined } } as unknown as FanOutDeps, calls };
}

describe('oneBatch: a shop’s endpoints read once per batch', () => {
  it('reads each shop once within a batch, and again in the next batch', async () => {
    const { deps, calls } = fakeDeps(Array.from({ length: 4 }, () => async () => []));
    const batch = oneBatch(deps);
    await Promise.all([batch.webhooks.listEndpoints('a'), batch.webhooks.listEndpoints('a'), batch.webhooks.listEndpoints('b')]);
    await batch.webhooks.listEndpoints('a');
    expect(calls).toEqual(['a', 'b']);
    await oneBatch(deps).webhooks.listEndpoints('a');
    expect(calls).toEqual(['a', 'b', 'a']);
  });

  it('does not remember a failed read: the next event of the shop reads again', async () => {
    const { deps, calls } = fakeDeps([() => Promise.reject(new Error('throttled')), async () => []]);
    const batch = oneBatch(deps);
    await expect(batch.webhooks.listEndpoints('a')).rejects.toThrow('throttled');
    await expect(batch.webhooks.listEndpoints('a')).resolves.toEqual([]);
    expect(calls).toEqual(['a', 'a']);
  });
});
