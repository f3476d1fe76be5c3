/**
 * The buyer's mail when the shop changes their subscription on their behalf (issue 13: PATCH
 * /admin/subscriptions/{id}, the buyer's own change use case run by the shop): each change, before → after,
 * in Korean, and from which delivery it applies (S18: after the notice, from the next cycle).
 */
import type { CycleCode } from '../domain/product.ts';
import type { Subscription } from '../domain/subscription.ts';
import { renderMail } from './templates.ts';

const CYCLE_WORDS: Readonly<Record<CycleCode, string>> = {
  '1w': '1주마다', '2w': '2주마다', '3w': '3주마다', '4w': '4주마다',
  '1m': '1개월마다', '2m': '2개월마다', '3m': '3개월마다', '4m': '4개월마다', '5m': '5개월마다', '6m': '6개월마다', '1y': '1년마다',
};

type Changed = Pick<Subscription, 'cycle' | 'items' | 'shippingAddress' | 'nextDeliveryDate'>;

const address = (a: Subscription['shippingAddress']) => (a ? `${a.recipient} / ${a.address1}${a.address2 ? ` ${a.address2}` : ''} (${a.postalCode})` : '-');

/** What changed between two states of a subscription, one "■ …: before → after" line each (nothing: no line). */
export function describeChange(before: Changed, after: Changed, nameOf: (productId: string) => string | undefined = () => undefined): string[] {
  const lines: string[] = [];
  if (before.cycle !== after.cycle) lines.push(`■ 배송 주기: ${CYCLE_WORDS[before.cycle]} → ${CYCLE_WORDS[after.cycle]}`);
  const quantities = (state: Changed) => new Map(state.items.filter((item) => item.status === 'ACTIVE').map((item) => [item.productId, item.quantity]));
  const was = quantities(before);
  const now = quantities(after);
  for (const productId of [...new Set([...was.keys(), ...now.keys()])]) {
    const from = was.get(productId) ?? 0;
    const to = now.get(productId) ?? 0;
    if (from !== to) lines.push(`■ ${nameOf(productId) ?? productId}: ${from}개 → ${to}개`);
  }
  if (address(before.shippingAddress) !== address(after.shippingAddress)) lines.push(`■ 배송지: ${address(before.shippingAddress)} → ${address(after.shippingAddress)}`);
  if (before.nextDeliveryDate !== after.nextDeliveryDate) lines.push(`■ 다음 배송일: ${before.nextDeliveryDate ?? '-'} → ${after.nextDeliveryDate ?? '-'}`);
  return lines;
}

export function merchantChangeMail(content: { shopName: string; subscriptionId: string; date: string; changes: readonly string[]; effectiveFrom?: string }): { subject: string; text: string } {
  return renderMail('merchant-change.mail', {
    shopName: content.shopName,
    subscriptionId: content.subscriptionId,
    date: content.date,
    changes: content.changes.join('\n'),
    effect: content.effectiveFrom
      ? `결제 예정 안내를 이미 드린 회차는 안내된 내용대로 결제·배송되며, 변경은 ${content.effectiveFrom} 배송분부터 적용됩니다.`
      : '변경은 다음 배송분부터 적용됩니다.',
  });
}
