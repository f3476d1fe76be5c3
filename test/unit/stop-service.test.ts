/** The service transitions of the stop cascade (S21–S24) and its mails, as pure functions. */
import { describe, expect, it } from 'vitest';
import { changeCardPg, finishStop, setEasyPay, stop, type ServiceState } from '../../functions/domain/shop.ts';
import { newStopJob, stopJobId } from '../../functions/domain/stop-job.ts';
import { autoCancelMail, autoCancelSummaryMail } from '../../functions/notifications/auto-cancel.ts';

const at = '2026-11-27T10:00:00+09:00';
const active: ServiceState = { status: 'ACTIVE', cardPg: 'tosspayments', easyPay: ['kakaopay'] };

describe('service transitions', () => {
  it('S22: stop takes an ACTIVE service to STOPPING with its job; a STOPPING one stays as it is; others are refused', () => {
    expect(stop(active, at, 'v4')).toEqual({ ...active, status: 'STOPPING', stop: { reason: 'MERCHANT_REQUEST', at, jobId: 'v4' } });
    const stopping = stop(active, at, 'v4');
    expect(stop(stopping, '2026-11-27T11:00:00+09:00', 'v5')).toBe(stopping);
    expect(() => stop({ ...active, status: 'STOPPED' }, at, 'v5')).toThrow(expect.objectContaining({ code: 'SERVICE_NOT_ACTIVE' }));
    expect(() => stop({ ...active, status: 'REVIEWING' }, at, 'v5')).toThrow(expect.objectContaining({ code: 'SERVICE_NOT_ACTIVE' }));
  });

  it('S21: a PG change or unlink on an ACTIVE service is STOPPING (not STOPPED) with the new PG; refused while STOPPING', () => {
    expect(changeCardPg(active, 'kcp', at, 'v4')).toMatchObject({ status: 'STOPPING', cardPg: 'kcp', stop: { reason: 'PG_CHANGED', jobId: 'v4' } });
    expect(changeCardPg(active, null, at, 'v4')).toMatchObject({ status: 'STOPPING', cardPg: null, stop: { reason: 'PG_UNLINKED' } });
    expect(() => changeCardPg(stop(active, at, 'v4'), 'kcp', at, 'v5')).toThrow(expect.objectContaining({ code: 'SERVICE_STOPPING' }));
  });

  it('finishStop ends only the stop its job ran for', () => {
    const stopping = stop(active, at, 'v4');
    expect(finishStop(stopping, 'v4')).toMatchObject({ status: 'STOPPED', stop: { jobId: 'v4' } });
    expect(finishStop(stopping, 'v3')).toBe(stopping);
    expect(finishStop(active, 'v4')).toBe(active);
  });

  it('KakaoPay off on a running service records a KakaoPay-only job; the service stays ACTIVE', () => {
    expect(setEasyPay(active, false, at, 'v4')).toEqual({ ...active, easyPay: [], easyPayStop: { at, jobId: 'v4' } });
    expect(setEasyPay({ ...active, easyPay: [] }, false, at, 'v4')).toEqual({ ...active, easyPay: [] });
    expect(setEasyPay({ ...active, status: 'REVIEWING' }, false, at, 'v4')).not.toHaveProperty('easyPayStop');
  });

  it('a job id comes from the shop version its trigger wrote; a new job starts in CANCEL at step 0', () => {
    expect(stopJobId(7)).toBe('v7');
    expect(newStopJob({ shopId: 's', jobId: 'v7', scope: 'ALL', reason: 'MERCHANT_REQUEST', at })).toMatchObject({
      step: 0,
      progress: { phase: 'CANCEL', cancelled: 0, keysDeleted: 0, mailsSent: 0, mailsNotSent: 0 },
    });
  });
});

describe('S23: auto-cancel mails (templates)', () => {
  it('the buyer mail names the shop, the subscription and why, in Korean', () => {
    const mail = autoCancelMail({ shopName: 'Store', subscriptionId: 'sub-1', reason: 'PG_CHANGED', date: '2026-11-27' });
    expect(mail.subject).toContain('자동 해지');
    expect(mail.text).toContain('sub-1');
    expect(mail.text).toContain('결제대행사(PG) 변경으로');
  });

  it('the operator summary carries every count', () => {
    const mail = autoCancelSummaryMail({ shopName: 'Store', reason: 'MERCHANT_REQUEST', date: at, cancelled: 3, keysDeleted: 2, mailsSent: 1, mailsNotSent: 2 });
    expect(mail.text).toContain('해지된 정기배송: 3건');
    expect(mail.text).toContain('빌링키): 2건');
    expect(mail.text).toContain('메일 발송: 1건');
    expect(mail.text).toContain('부족 등): 2건');
  });
});
