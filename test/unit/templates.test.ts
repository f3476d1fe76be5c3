/**
 * Message templates (functions/notifications/templates/*.txt) and the words of
 * the payment notice (S12, S17): every placeholder filled, Korean text with the
 * announced amount, dates and masked card, and an SMS that fits one part of its
 * channel (70 UCS-2 characters on SNS, 90 EUC-KR bytes on a domestic carrier)
 * whatever the names.
 */
import { describe, expect, it } from 'vitest';
import { eucKrBytes, render, renderMail, SMS_MAX_BYTES, won } from '../../functions/notifications/templates.ts';
import { domesticSmsChannel, snsSmsChannel } from '../../functions/notifications/sms-parts.ts';
import {
  koreanDate,
  maskedPaymentMethod,
  paymentNoticeMail,
  paymentNoticeSms,
  shortDate,
  smsCreditsExhaustedMail,
  truncateToBytes,
  type PaymentNoticeContent,
} from '../../functions/notifications/payment-notice.ts';

const notice: PaymentNoticeContent = {
  shopName: '서울커피',
  deliveryDate: '2026-12-01',
  chargeDate: '2026-11-30',
  amount: 68_000,
  lines: [
    { name: '원두 1kg', quantity: 2, unitPrice: 25_000 },
    { name: '드립백 30개입', quantity: 1, unitPrice: 18_000 },
  ],
  paymentMethod: 'card',
  card: { issuer: '신한카드', last4: '1234' },
};

describe('the template helpers', () => {
  it('format KRW the Korean way', () => {
    expect(won(68_000)).toBe('68,000원');
    expect(won(0)).toBe('0원');
    expect(won(1_234_567)).toBe('1,234,567원');
  });

  it('count EUC-KR bytes: one for ASCII, two for Hangul', () => {
    expect(eucKrBytes('abc 123')).toBe(7);
    expect(eucKrBytes('정기배송')).toBe(8);
    expect(eucKrBytes('[샵] 1kg')).toBe(8);
  });

  it('refuse a missing variable rather than send a message with a hole in it', () => {
    expect(() => render('payment-notice.item', { name: '원두', quantity: 1, unitPrice: '1원' })).toThrow(/lineTotal/);
    expect(() => render('no-such-template', {})).toThrow(/No template/);
  });

  it('write Seoul calendar dates in Korean, with the weekday', () => {
    expect(koreanDate('2026-12-01')).toBe('2026년 12월 1일 (화)');
    expect(koreanDate('2026-11-29')).toBe('2026년 11월 29일 (일)');
    expect(shortDate('2026-12-01')).toBe('12/1');
  });

  it('cut text on a character boundary within a byte budget', () => {
    expect(truncateToBytes('원두 1kg', 100)).toBe('원두 1kg');
    const cut = truncateToBytes('에티오피아 예가체프 코케 허니', 12);
    expect(eucKrBytes(cut)).toBeLessThanOrEqual(12);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('show only the issuer and the last four digits of a card (S10)', () => {
    expect(maskedPaymentMethod('card', { issuer: '신한카드', last4: '1234' })).toBe('신한카드 ****1234');
    expect(maskedPaymentMethod('kakaopay', { issuer: 'KakaoPay', last4: null })).toBe('카카오페이');
    expect(maskedPaymentMethod('kakaopay', { issuer: '현대카드', last4: '9876' })).toBe('카카오페이 (현대카드 ****9876)');
    expect(maskedPaymentMethod('card', undefined)).toBe('등록된 카드');
  });
});

describe('the payment-notice mail (S17, S18)', () => {
  it('announces every product line, the amount, both dates, the masked card and how to cancel', () => {
    const { subject, text } = paymentNoticeMail(notice);
    expect(subject).toBe('[서울커피] 정기배송 결제 예정 안내 (2026년 12월 1일 (화) 배송분)');
    expect(text).toContain('- 원두 1kg 2개 × 25,000원 = 50,000원');
    expect(text).toContain('- 드립백 30개입 1개 × 18,000원 = 18,000원');
    expect(text).toContain('결제 예정 금액: 68,000원');
    expect(text).toContain('결제 예정일: 2026년 11월 30일 (월)');
    expect(text).toContain('배송 예정일: 2026년 12월 1일 (화)');
    expect(text).toContain('신한카드 ****1234');
    expect(text).toContain('마이페이지 > 정기배송 관리');
    // S18: what a partial cancel after the notice means.
    expect(text).toContain('다음 회차부터');
    expect(text).not.toMatch(/\{\{|\}\}/);
  });
});

describe('the payment-notice SMS (S17): one part of the channel that sends it (issue 14)', () => {
  it('names the first product and counts the others, with the amount and both dates', () => {
    const sms = paymentNoticeSms(notice);
    expect(sms).toBe('[서울커피] 정기배송\n원두 1kg 외 1건\n11/30 68,000원 결제예정(12/1 배송)');
    expect(snsSmsChannel.measure(sms)).toMatchObject({ encoding: 'UCS-2', parts: 1 });
    expect(eucKrBytes(sms)).toBeLessThanOrEqual(SMS_MAX_BYTES);
  });

  const longProduct = '에티오피아 예가체프 G1 워시드 내추럴 싱글오리진 스페셜티 원두 1kg 홀빈 (분쇄 안 함) 산미 강조 로스팅';
  const longShop = '대한민국 최고의 스페셜티 커피 로스터리 앤 베이커리 카페 본점 공식 온라인 스토어';
  const cases: PaymentNoticeContent[] = [
    { ...notice, lines: [{ name: longProduct, quantity: 1, unitPrice: 25_000 }] },
    { ...notice, lines: [{ name: longProduct, quantity: 3, unitPrice: 25_000 }, ...notice.lines] },
    { ...notice, shopName: longShop, lines: [{ name: longProduct, quantity: 1, unitPrice: 25_000 }] },
    { ...notice, shopName: longShop, amount: 12_345_678, lines: Array.from({ length: 12 }, (_, i) => ({ name: `${longProduct} ${i}`, quantity: 1, unitPrice: 1 })) },
    { ...notice, shopName: 'A'.repeat(100), lines: [{ name: 'B'.repeat(200), quantity: 1, unitPrice: 1 }] },
    { ...notice, shopName: '커피🙂하우스', lines: [{ name: `${'원두🙂'.repeat(30)}`, quantity: 1, unitPrice: 1 }] },
  ];

  it.each([
    ['Amazon SNS (70 UCS-2 characters)', snsSmsChannel],
    ['a domestic carrier (90 EUC-KR bytes)', domesticSmsChannel],
  ])('stays one part on %s with long names, cutting names but never the amount or dates', (_name, channel) => {
    for (const content of cases) {
      const sms = paymentNoticeSms(content, channel);
      expect(channel.measure(sms).parts, sms).toBe(1);
      expect(sms).toContain(`11/30 ${won(content.amount)} 결제예정(12/1 배송)`);
      if (content.lines.length > 1) expect(sms).toContain(` 외 ${content.lines.length - 1}건`);
    }
  });

  it('uses the room SNS gives: a long product name keeps more of itself than under the 90-byte rule', () => {
    const sns = paymentNoticeSms(cases[0]!);
    const domestic = paymentNoticeSms(cases[0]!, domesticSmsChannel);
    expect(sns).toMatch(/^\[서울커피\] 정기배송\n에티오피아 .*…\n/);
    expect(sns.length).toBeGreaterThan(domestic.length);
    expect(snsSmsChannel.measure(sns).units).toBeGreaterThan(60);
    // A long shop name is cut first.
    expect(paymentNoticeSms(cases[2]!)).toMatch(/^\[대한민국 최고의…\] 정기배송\n에티오피아 예가.*…\n/);
  });
});

describe('the operator mail when SMS credits run out (S12)', () => {
  it('says what was not sent, that the mail notice went out, and how to top up', () => {
    const { subject, text } = smsCreditsExhaustedMail({ shopName: '서울커피', date: '2026-11-28' });
    expect(subject).toContain('[서울커피]');
    expect(subject).toContain('SMS');
    expect(subject).toContain('2026년 11월 28일 (토)');
    expect(text).toContain('SMS 잔여 건수가 모두 소진');
    expect(text).toContain('메일');
    expect(text).toContain('하루에 한 번');
    expect(text).not.toMatch(/\{\{|\}\}/);
  });

  it('is a mail template with a subject line, as every *.mail template is', () => {
    expect(() => renderMail('payment-notice.sms', { shopName: 'x', products: 'y', amount: 'z', chargeDate: '1/1', deliveryDate: '1/2' })).toThrow(/Subject/);
  });
});
