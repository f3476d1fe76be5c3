/**
 * Cycles as the notice run leaves them, for tests of what comes after it (the
 * charge, a cancel, a stop): the planned cycle that checkout created, locked
 * at the announced lines with its notice sent — NOTICED, in the charge index.
 */
import type { CyclesRepository } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import { orderNameFor, scheduledCycle, transition, type Cycle, type CycleLine } from '../../functions/domain/cycle.ts';

export const ANNOUNCED_LINES: readonly CycleLine[] = [
  { productId: 'beans', quantity: 2, unitPrice: 25_000 },
  { productId: 'drip', quantity: 1, unitPrice: 18_000 },
];

/** `following`: the delivery after it, planned (SCHEDULED) as the notice run plans it; without it, the cycle's own date. */
export async function noticed(cycles: CyclesRepository, subscription: { readonly id: string; readonly nextDeliveryDate: string }, lines: readonly CycleLine[] = ANNOUNCED_LINES, following?: string): Promise<Cycle> {
  const planned = await cycles.get({ subscriptionId: subscription.id, deliveryDate: subscription.nextDeliveryDate });
  if (!planned) throw new Error(`No planned cycle for ${subscription.id} at ${subscription.nextDeliveryDate}`);
  const at = `${planned.noticeDate}T08:00:05+09:00`;
  const locked = transition(planned, {
    type: 'lock',
    lines,
    orderName: orderNameFor(lines, () => undefined),
    notice: { mail: { state: 'SENT', attempts: 1, at, messageId: 'mail' }, sms: { state: 'SENT', attempts: 1, at, messageId: 'sms' } },
    following: following ?? planned.deliveryDate,
  });
  if (following !== undefined) await cycles.schedule(scheduledCycle({ id: planned.subscriptionId, shopId: planned.shopId, customerId: planned.customerId }, following));
  if (!locked.ok || !(await cycles.write(locked.next, locked.expect))) throw new Error('Could not lock the cycle');
  return locked.next;
}
