/**
 * Crash injection for the no-transaction write sequences (docs/data-model.md,
 * "State changes without transactions"): a document client whose k-th `send`
 * fails, either before the request reaches DynamoDB (the process died before
 * the write) or after DynamoDB applied it (the process died before it heard
 * back). Every other call goes to the real client.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export class SimulatedCrash extends Error {
  constructor(readonly call: number, readonly when: 'before' | 'after') {
    super(`Simulated crash ${when} send #${call}`);
    this.name = 'SimulatedCrash';
  }
}

export interface FaultyClient {
  readonly db: DynamoDBDocumentClient;
  /** How many times `send` was called so far. */
  readonly calls: () => number;
  /** The commands sent, by name, in order (including the one that crashed). */
  readonly commands: string[];
}

/** Wraps `db` so that its `failOn`-th `send` (1-based) throws a SimulatedCrash. */
export function faultyClient(db: DynamoDBDocumentClient, failOn: number, when: 'before' | 'after' = 'before'): FaultyClient {
  let calls = 0;
  const commands: string[] = [];
  const send = async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
    calls += 1;
    const call = calls;
    commands.push(command.constructor.name);
    if (call === failOn && when === 'before') throw new SimulatedCrash(call, when);
    const result = await (db.send as (...args: unknown[]) => Promise<unknown>).call(db, command, ...rest);
    if (call === failOn && when === 'after') throw new SimulatedCrash(call, when);
    return result;
  };
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'send') return send;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { db: proxy, calls: () => calls, commands };
}
