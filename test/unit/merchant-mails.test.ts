/**
 * Issue 13: the buyer's mails when the shop acts on their behalf — every placeholder filled, Korean, and what a
 * cancel or change means for a delivery already announced (S18, S19).
 */
import { describe, expect, it } from 'vitest';
import { merchantCancelMail } from '../../functions/notifications/merchant-cancel.ts';
import { describeChange, merchantChangeMail } from '../../functions/notifications/merchant-change.ts';
import { aSubscription } from '../support/subscription-fixtures.ts';

describe('merchant-cancel', () => {
  it.each([
    ['whole, announced cycle not charged (S19)', { whole: true, notCharged: '2026-12-10' }, ['정기배송을 해지했습니다', '2026-12-10 배송분은 결제되지 않습니다', '결제되거나 배송되는 회차는 없습니다']],
    ['some items, announced cycle charged as announced (S18)', { whole: false, chargedAsAnnounced: '2026-12-10' }, ['정기배송을 일부 해지했습니다', '안내된 금액대로 결제', '지금처럼 정기배송됩니다']],
  ] as const)('%s', (_case, content, phrases) => {
    const mail = merchantCancelMail({ shopName: '서울커피', subscriptionId: 'sub-1', products: ['원두 1kg', '드립백'], date: '2026-12-08', ...content });
    const text = `${mail.subject}\n${mail.text}`;
    for (const phrase of phrases) expect(text).toContain(phrase);
    expect(text).toContain('■ 해지된 상품: 원두 1kg, 드립백');
    expect(text).not.toMatch(/\{\{|undefined/);
  });
});

describe('merchant-change', () => {
  it('lists each change before → after, and nothing that did not change', () => {
    const before = aSubscription({ id: 'sub-1', cycle: '2w', nextDeliveryDate: '2026-12-10', items: [{ productId: 'beans', quantity: 2, status: 'ACTIVE' }, { productId: 'drip', quantity: 1, status: 'ACTIVE' }] });
    const after = { ...before, cycle: '1m' as const, items: [{ productId: 'beans', quantity: 3, status: 'ACTIVE' as const }, { productId: 'drip', quantity: 1, status: 'CANCELLED' as const }] };
    const lines = describeChange(before, after, (id) => ({ beans: '원두 1kg' })[id]);
    expect(lines).toEqual(['■ 배송 주기: 2주마다 → 1개월마다', '■ 원두 1kg: 2개 → 3개', '■ drip: 1개 → 0개']);
    expect(describeChange(before, before)).toEqual([]);
    const mail = merchantChangeMail({ shopName: '서울커피', subscriptionId: 'sub-1', date: '2026-12-08', changes: lines, effectiveFrom: '2026-12-24' });
    expect(mail.subject).toBe('[서울커피] 쇼핑몰에서 고객님의 정기배송을 변경했습니다 (sub-1)');
    expect(mail.text).toContain('■ 배송 주기: 2주마다 → 1개월마다\n■ 원두 1kg: 2개 → 3개');
    expect(mail.text).toContain('변경은 2026-12-24 배송분부터 적용됩니다');
  });
});
