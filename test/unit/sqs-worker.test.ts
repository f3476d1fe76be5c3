/**
 * The runs' SQS adapter on Powertools batch (issue 17, item isolation): an
 * item that fails in a message of several is put back on its own and the
 * message is done; a message of one that fails comes back (and only it can
 * reach the DLQ); a batch that fails whole fails the invocation.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseWorkMessage, workQueueWorker } from '../../functions/queue/sqs-worker.ts';
import type { Work, WorkReport } from '../../functions/use-cases/runs/work.ts';
import type { WorkMessage } from '../../system/functions.ts';

const message = (items: string[]): WorkMessage => ({ kind: 'NOTICE', date: '2026-12-01', scheduledTime: '2026-12-01T08:00:00+09:00', shopId: 'shop-1', items: items.map((subscriptionId) => ({ subscriptionId, deliveryDate: '2026-12-03' })) });
const record = (messageId: string, body: WorkMessage | string) => ({ messageId, receiptHandle: 'h', body: typeof body === 'string' ? body : JSON.stringify(body), attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:ap-northeast-2:000000000000:noticeWorker', awsRegion: 'ap-northeast-2' });
const context = {} as Context;

/** A worker over a fake use case that fails the items named in `failing`, recording what it put back. */
function worker(failing: ReadonlySet<string>) {
  const requeued: Array<{ messages: readonly unknown[]; delaySeconds?: number }> = [];
  const seen: Work[] = [];
  const handler = workQueueWorker(
    async (work): Promise<WorkReport<string>> => {
      seen.push(work);
      return { results: work.items.map((ref) => (failing.has(ref.subscriptionId) ? { ref, error: new Error(`${ref.subscriptionId} failed`) } : { ref, outcome: 'done' })) };
    },
    { requeue: { send: async (messages, options) => void requeued.push({ messages, ...(options?.delaySeconds !== undefined ? { delaySeconds: options.delaySeconds } : {}) }) }, retryDelaySeconds: 90 },
  );
  return { handler, requeued, seen };
}

describe('workQueueWorker', () => {
  it('hands each message to the use case with its SQS message id, and reports nothing when all its items are done', async () => {
    const { handler, seen } = worker(new Set());
    expect(await handler({ Records: [record('m-1', message(['a', 'b']))] } as SQSEvent, context)).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([{ kind: 'NOTICE', date: '2026-12-01', scheduledTime: '2026-12-01T08:00:00+09:00', shopId: 'shop-1', messageId: 'm-1', items: message(['a', 'b']).items }]);
  });

  it('puts each item that failed in a message of several back on its own (delayed) and finishes the message', async () => {
    const { handler, requeued } = worker(new Set(['b', 'c']));
    expect(await handler({ Records: [record('m-1', message(['a', 'b', 'c']))] } as SQSEvent, context)).toEqual({ batchItemFailures: [] });
    expect(requeued).toEqual([{ messages: [{ ...message(['b']), retryOf: 'm-1' }, { ...message(['c']), retryOf: 'm-1' }], delaySeconds: 90 }]);
  });

  it('reports a failed message of one item, so that only it comes back (and only it can reach the DLQ)', async () => {
    const { handler, requeued } = worker(new Set(['b']));
    const response = await handler({ Records: [record('m-1', message(['a'])), record('m-2', { ...message(['b']), retryOf: 'm-0' })] } as SQSEvent, context);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(requeued).toEqual([]);
  });

  it('fails the invocation when every message of the batch failed (Lambda counts the error), and refuses what is not a work message', async () => {
    const { handler } = worker(new Set(['a']));
    await expect(handler({ Records: [record('m-1', message(['a'])), record('m-2', '{"kind":"NOTICE","keys":[]}')] } as SQSEvent, context)).rejects.toThrow();
    expect(() => parseWorkMessage('{"kind":"CHARGE","date":"2026-12-01","scheduledTime":"x","shopId":"s","items":[{"subscriptionId":"a"}]}')).toThrow(/Not a work message/);
  });

  it('keeps two invocations running at once apart (the local runtime runs a worker\'s invocations in one process)', async () => {
    // b fails after a moment; a succeeds meanwhile in another invocation of the same handler.
    let release: () => void = () => undefined;
    const later = new Promise<void>((resolve) => (release = resolve));
    const handler = workQueueWorker(
      async (work): Promise<WorkReport<string>> => {
        const ref = work.items[0]!;
        if (ref.subscriptionId === 'b') {
          await later;
          return { results: [{ ref, error: new Error('b failed') }] };
        }
        return { results: [{ ref, outcome: 'done' }] };
      },
      { requeue: { send: async () => undefined }, retryDelaySeconds: 90 },
    );
    const failing = handler({ Records: [record('m-b', message(['b'])), record('m-c', message(['c']))] } as SQSEvent, context);
    await new Promise((resolve) => setImmediate(resolve));
    const passing = handler({ Records: [record('m-a', message(['a']))] } as SQSEvent, context);
    const first = await passing;
    release();

    expect(first).toEqual({ batchItemFailures: [] });
    expect(await failing).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-b' }] });
  });

  it('fails the message whole when putting items back fails: SQS brings all of it back (its done items are idempotent)', async () => {
    const handler = workQueueWorker(async (work) => ({ results: work.items.map((ref) => (ref.subscriptionId === 'a' ? { ref, error: new Error('x') } : { ref, outcome: 'done' })) }), {
      requeue: { send: () => Promise.reject(new Error('SQS unavailable')) },
      retryDelaySeconds: 60,
    });
    expect(await handler({ Records: [record('m-1', message(['a', 'b'])), record('m-2', message(['c']))] } as SQSEvent, context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });
});
