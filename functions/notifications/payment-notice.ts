/**
 * The words of the D-2 payment notice (S17) and of the operator's "SMS
 * credits exhausted" notice (S12). The layout is in the template files
 * (templates/payment-notice.*.txt, sms-credits-exhausted.mail.txt); this
 * module only prepares their variables: Korean dates, won amounts, the masked
 * card, and an SMS that always fits one part of the channel that sends it.
 */
import type { IsoDate } from '../core/dates.ts';
import { holidayDataYears } from '../domain/delivery-calendar.ts';
import type { MaskedCard, PaymentMethod } from '../domain/subscription.ts';
import { domesticSmsChannel, snsSmsChannel, truncateToUnits, type SmsChannel } from './sms-parts.ts';
import { render, renderMail, won } from './templates.ts';

export interface NoticeLine {
  readonly name: string;
  readonly quantity: number;
  /** Integer KRW, as locked in the cycle (S18). */
  readonly unitPrice: number;
}

export interface PaymentNoticeContent {
  readonly shopName: string;
  readonly deliveryDate: IsoDate;
  readonly chargeDate: IsoDate;
  /** Integer KRW: the cycle's locked amount (S18). */
  readonly amount: number;
  readonly lines: readonly NoticeLine[];
  readonly paymentMethod: PaymentMethod;
  readonly card?: MaskedCard | undefined;
  /** A late notice moved the delivery (issue 17): the date it was planned for. */
  readonly movedFrom?: IsoDate | undefined;
}

const WEEKDAYS = ['일', '월', '화', '수', '목', '금', '토'] as const;

/** `2026-11-29` → `2026년 11월 29일 (일)`; a calendar date, so its weekday does not depend on any time zone. */
export function koreanDate(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()] ?? '';
  return `${year}년 ${month}월 ${day}일 (${weekday})`;
}

/** `2026-12-01` → `12/1`: the short form an SMS has room for. */
export function shortDate(date: IsoDate): string {
  const [, month, day] = date.split('-').map(Number);
  return `${month}/${day}`;
}

/** What the buyer sees of how they pay: the issuer and last four digits, never more (S10, S16). */
export function maskedPaymentMethod(method: PaymentMethod, card: MaskedCard | undefined): string {
  const masked = card?.last4 ? `${card.issuer} ****${card.last4}` : undefined;
  if (method === 'kakaopay') return masked ? `카카오페이 (${masked})` : '카카오페이';
  return masked ?? '등록된 카드';
}

/** Cuts `text` to at most `maxBytes` EUC-KR bytes (a domestic carrier's measure), on a character boundary, marking the cut with an ellipsis. */
export function truncateToBytes(text: string, maxBytes: number): string {
  return truncateToUnits(text, maxBytes, domesticSmsChannel, 'EUC-KR');
}

/** The payment-notice mail (S17): every announced product line, the amount, both dates, the masked card, how to cancel. */
export function paymentNoticeMail(content: PaymentNoticeContent): { subject: string; text: string } {
  const itemLines = content.lines
    .map((line) => render('payment-notice.item', { name: line.name, quantity: line.quantity, unitPrice: won(line.unitPrice), lineTotal: won(line.unitPrice * line.quantity) }))
    .join('\n');
  return renderMail('payment-notice.mail', {
    shopName: content.shopName,
    deliveryDate: koreanDate(content.deliveryDate),
    chargeDate: koreanDate(content.chargeDate),
    amount: won(content.amount),
    paymentMethod: maskedPaymentMethod(content.paymentMethod, content.card),
    movedNote: content.movedFrom ? `\n※ 안내가 늦어져 배송 예정일을 ${koreanDate(content.movedFrom)}에서 ${koreanDate(content.deliveryDate)}로 미루었습니다. 결제는 안내를 받으신 다음 날 이루어집니다.\n` : '',
    itemLines,
  });
}

/** The shop name is cut to this first, in the channel's units (UCS-2 code units on SNS): the buyer needs the product more than a long shop name. */
const MAX_SHOP_SHARE = 1 / 7;
/** Shortest a product name is cut to before the shop name is cut further (shares of one part). */
const MIN_PRODUCT_SHARE = 1 / 9;
const MIN_SHOP_SHARE = 1 / 12;

/**
 * The payment-notice SMS (S17), fitted to ONE part of the channel that sends it (issue 14): on Amazon SNS a
 * Korean text is UCS-2, 70 characters per part (sms-parts.ts); on a domestic carrier 90 EUC-KR bytes. The
 * first product's name and "외 N건" for the others, the amount and both dates. Long names are cut — the
 * shop name first, then the product name, then the shop name further — never the amount or the dates. The
 * mail carries the full detail and how to cancel.
 */
export function paymentNoticeSms(content: PaymentNoticeContent, channel: SmsChannel = snsSmsChannel): string {
  const [first, ...others] = content.lines;
  const fixed = { amount: won(content.amount), chargeDate: shortDate(content.chargeDate), deliveryDate: shortDate(content.deliveryDate) };
  const suffix = others.length > 0 ? ` 외 ${others.length}건` : '';
  const probe = channel.measure(render('payment-notice.sms', { ...fixed, shopName: content.shopName, products: `${first?.name ?? ''}${suffix}` }));
  const { encoding, singlePartUnits: limit } = probe;
  const cost = (text: string) => [...text].reduce((sum, char) => sum + channel.unitsOf(char, encoding), 0);
  const size = (text: string) => channel.measure(text).units;
  const build = (shopUnits: number, productUnits: number) =>
    render('payment-notice.sms', {
      ...fixed,
      shopName: truncateToUnits(content.shopName, shopUnits, channel, encoding),
      products: `${truncateToUnits(first?.name ?? '', productUnits, channel, encoding)}${suffix}`,
    });

  let shopUnits = Math.min(cost(content.shopName), Math.floor(limit * MAX_SHOP_SHARE));
  let productUnits = cost(first?.name ?? '');
  const minProduct = Math.floor(limit * MIN_PRODUCT_SHARE);
  const minShop = Math.floor(limit * MIN_SHOP_SHARE);
  let text = build(shopUnits, productUnits);
  while (size(text) > limit && productUnits > minProduct) {
    productUnits = Math.max(minProduct, productUnits - (size(text) - limit));
    text = build(shopUnits, productUnits);
  }
  while (size(text) > limit && shopUnits > minShop) {
    shopUnits = Math.max(minShop, shopUnits - (size(text) - limit));
    text = build(shopUnits, productUnits);
  }
  // Only an absurd amount gets here (the fixed text takes about 40 units): never send more than one part.
  return size(text) > limit ? truncateToUnits(text, limit, channel, channel.measure(text).encoding) : text;
}

/** To the shop's operator, once a day at most (S12): payment-notice SMS could not be sent for want of credits. */
export function smsCreditsExhaustedMail(content: { readonly shopName: string; readonly date: IsoDate }): { subject: string; text: string } {
  return renderMail('sms-credits-exhausted.mail', { shopName: content.shopName, date: koreanDate(content.date) });
}

/** To the shop's operator, once a day at most (issue 17): payment notices went out late, and their cycles moved. */
export function lateNoticeMail(content: { readonly shopName: string; readonly date: IsoDate; readonly moved: ReadonlyArray<{ readonly subscriptionId: string; readonly from: IsoDate; readonly to: IsoDate }> }): { subject: string; text: string } {
  const movedLines = content.moved.map((move) => `- ${move.subscriptionId}: ${koreanDate(move.from)} → ${koreanDate(move.to)}`).join('\n');
  return renderMail('late-notice.mail', { shopName: content.shopName, date: koreanDate(content.date), movedLines });
}

/** To the shop's operator, once a day at most (issue 14): deliveries planned beyond the public-holiday data, by the weekdays only. */
export function holidayDataUnavailableMail(content: { readonly shopName: string; readonly date: IsoDate; readonly unchecked: ReadonlyArray<{ readonly subscriptionId: string; readonly date: IsoDate }> }): { subject: string; text: string } {
  const dateLines = content.unchecked.map((entry) => `- ${entry.subscriptionId}: ${koreanDate(entry.date)}`).join('\n');
  return renderMail('holiday-data-unavailable.mail', { shopName: content.shopName, date: koreanDate(content.date), lastYear: holidayDataYears().last, dateLines });
}
