/**
 * The price-change notice (issue 14, the 30-day consent): old and new amount, the date from which the new
 * price may be charged, how to refuse, and what happens without consent (the product's policy). The layout is
 * in templates/price-change.*.txt.
 */
import type { IsoDate } from '../core/dates.ts';
import type { NonConsentPolicy } from '../domain/price-change.ts';
import { koreanDate, shortDate } from './payment-notice.ts';
import { snsSmsChannel, truncateToUnits, type SmsChannel } from './sms-parts.ts';
import { render, renderMail, won } from './templates.ts';

export interface PriceChangeContent {
  readonly shopName: string;
  readonly subscriptionId: string;
  readonly productName: string;
  readonly quantity: number;
  /** Integer KRW per unit. */
  readonly oldPrice: number;
  readonly newPrice: number;
  readonly increaseFrom: IsoDate;
  readonly policy: NonConsentPolicy;
}

const WITHOUT_CONSENT: Readonly<Record<NonConsentPolicy, string>> = {
  'keep-old-price': '기존 금액으로 계속 결제되며 정기배송은 그대로 유지됩니다.',
  'end-subscription': '변경된 금액이 적용되는 첫 회차 전에 정기배송이 해지되며, 해지 시 다시 안내드립니다. 그 전 회차는 기존 금액으로 결제됩니다.',
};

export function priceChangeMail(content: PriceChangeContent): { subject: string; text: string } {
  return renderMail('price-change.mail', {
    shopName: content.shopName,
    subscriptionId: content.subscriptionId,
    productName: content.productName,
    quantity: content.quantity,
    oldPrice: won(content.oldPrice),
    newPrice: won(content.newPrice),
    oldAmount: won(content.oldPrice * content.quantity),
    newAmount: won(content.newPrice * content.quantity),
    increaseFrom: koreanDate(content.increaseFrom),
    withoutConsent: WITHOUT_CONSENT[content.policy],
  });
}

/** The SMS: the product name is cut so that a normal notice is one part of the channel (the mail has the detail). */
export function priceChangeSms(content: PriceChangeContent, channel: SmsChannel = snsSmsChannel): string {
  const vars = { shopName: content.shopName, oldAmount: won(content.oldPrice * content.quantity), newAmount: won(content.newPrice * content.quantity), increaseFrom: shortDate(content.increaseFrom) };
  const full = render('price-change.sms', { ...vars, productName: content.productName });
  const { encoding, singlePartUnits, units } = channel.measure(full);
  if (units <= singlePartUnits) return full;
  const nameUnits = [...content.productName].reduce((sum, char) => sum + channel.unitsOf(char, encoding), 0);
  return render('price-change.sms', { ...vars, productName: truncateToUnits(content.productName, Math.max(4, nameUnits - (units - singlePartUnits)), channel, encoding) });
}
