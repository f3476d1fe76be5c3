/**
 * The buyer's mail when the shop cancels their subscription, or some of its items, on their behalf (issue 13):
 * what was cancelled, and what it means for the delivery already announced (S18, S19).
 */
import { renderMail } from './templates.ts';

export interface MerchantCancelContent {
  readonly shopName: string;
  readonly subscriptionId: string;
  /** The whole subscription ended (every item cancelled). */
  readonly whole: boolean;
  /** Names of the products cancelled now. */
  readonly products: readonly string[];
  /** The Seoul date of the cancellation. */
  readonly date: string;
  /** An announced delivery that is still charged as announced (S18): its date. */
  readonly chargedAsAnnounced?: string;
  /** An announced delivery that will not be charged because nothing announced is still wanted (S19): its date. */
  readonly notCharged?: string;
}

function effect(content: MerchantCancelContent): string {
  const lines = [
    content.whole
      ? '앞으로 이 정기배송으로 결제되거나 배송되는 회차는 없습니다. 이미 결제된 회차는 예정대로 배송됩니다.'
      : '해지되지 않은 상품은 지금처럼 정기배송됩니다.',
  ];
  if (content.notCharged) lines.push(`결제 예정 안내를 드린 ${content.notCharged} 배송분은 결제되지 않습니다.`);
  if (content.chargedAsAnnounced) lines.push(`결제 예정 안내를 드린 ${content.chargedAsAnnounced} 배송분은 안내된 금액대로 결제·배송되며, 변경은 다음 회차부터 적용됩니다.`);
  return lines.join('\n');
}

export function merchantCancelMail(content: MerchantCancelContent): { subject: string; text: string } {
  return renderMail('merchant-cancel.mail', {
    shopName: content.shopName,
    subscriptionId: content.subscriptionId,
    action: content.whole ? '해지' : '일부 해지',
    products: content.products.join(', '),
    date: content.date,
    effect: effect(content),
  });
}
