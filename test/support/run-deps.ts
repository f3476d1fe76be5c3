/**
 * The daily runs' dependencies for tests, from the composition root and the
 * per-adapter wiring modules (imported after the local system has set the
 * environment they read), and the due index as a test reads it.
 */
import type { DueKind } from '../../functions/adapters/dynamodb/keys.ts';

export async function runDeps() {
  const { deps } = await import('../../functions/wiring.ts');
  const { mailer } = await import('../../functions/wiring/mailer.ts');
  const { sms } = await import('../../functions/wiring/sms.ts');
  const { events } = await import('../../functions/wiring/events.ts');
  const { gateways } = await import('../../functions/wiring/gateways.ts');
  // The charging part, as the charge worker is wired (the local sandbox PG serves both parts).
  const { gateways: chargingGateways } = await import('../../functions/wiring/charging-gateways.ts');
  const { workQueue } = await import('../../functions/wiring/work-queue.ts');
  const { sealer } = await import('../../functions/wiring/sealer.ts');
  return { ...deps, mailer, sms, events, gateways, chargingGateways, workQueue, sealer };
}

export type RunDeps = Awaited<ReturnType<typeof runDeps>>;

/** The cycles due for `kind` exactly on `date`, as `{subscriptionId}|{deliveryDate}`. */
export async function dueOn(deps: Pick<RunDeps, 'dueWork'>, kind: DueKind, date: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of deps.dueWork.findDue(kind, date)) if (entry.date === date) found.push(`${entry.subscriptionId}|${entry.deliveryDate}`);
  return found;
}
