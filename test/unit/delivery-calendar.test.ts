/**
 * The shop's delivery calendar (issue 14) with real gazette dates: 설날 2027
 * and its substitute, 추석 2026, 삼일절 2027, month ends, both directions, the
 * anchor that never drifts, and a date beyond the holiday data.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DELIVERY_CALENDAR,
  avoidedBecause,
  holidayDataYears,
  nextScheduledDelivery,
  nextScheduledDeliveryOrUnchecked,
  publicHolidayNames,
  scheduleDelivery,
  shiftDelivery,
  type DeliveryCalendar,
} from '../../functions/domain/delivery-calendar.ts';

const calendar = (shift: 'later' | 'earlier', avoid: Partial<DeliveryCalendar['avoid']>): DeliveryCalendar => ({
  shift,
  avoid: { sundays: false, saturdays: false, publicHolidays: false, ...avoid },
});
const weekendsAndHolidays = (shift: 'later' | 'earlier') => calendar(shift, { sundays: true, saturdays: true, publicHolidays: true });
const holidaysOnly = (shift: 'later' | 'earlier') => calendar(shift, { publicHolidays: true });

describe('public holidays from the gazette data', () => {
  it('knows 설날 2027 with its substitute day, 추석 2026 and 삼일절 2027', () => {
    expect(publicHolidayNames('2027-02-07')).toEqual(['설날']);
    expect(publicHolidayNames('2027-02-09')).toEqual(['대체공휴일(설날)']);
    expect(publicHolidayNames('2026-09-25')).toEqual(['추석']);
    expect(publicHolidayNames('2027-03-01')).toEqual(['3ㆍ1절']);
    expect(publicHolidayNames('2027-03-02')).toEqual([]);
  });

  it('fails clearly for a date beyond the data, never answering "no holiday"', () => {
    const beyond = `${holidayDataYears().last + 1}-01-03`;
    expect(() => publicHolidayNames(beyond)).toThrow(expect.objectContaining({ code: 'HOLIDAY_DATA_UNAVAILABLE', status: 409 }));
    expect(() => shiftDelivery(beyond, holidaysOnly('later'))).toThrow(/public-holiday data ends/);
    // Without the public-holiday rule the data is not needed.
    expect(shiftDelivery(beyond, calendar('later', { sundays: true }))).toBe(beyond);
  });

  it('says why a day is avoided', () => {
    expect(avoidedBecause('2027-02-07', weekendsAndHolidays('later'))).toEqual(['일요일', '설날']);
    expect(avoidedBecause('2027-02-10', weekendsAndHolidays('later'))).toEqual([]);
  });
});

describe('shiftDelivery', () => {
  it.each([
    // 설날 2027: Sat 6 (전날), Sun 7 (설날), Mon 8 (다음 날), Tue 9 (대체공휴일) → Wed 10, or back to Fri 5.
    ['2027-02-06', 'later', '2027-02-10'],
    ['2027-02-08', 'later', '2027-02-10'],
    ['2027-02-09', 'earlier', '2027-02-05'],
    // 추석 2026: Thu 24 – Sat 26, then Sunday → Mon 28, or back to Wed 23.
    ['2026-09-24', 'later', '2026-09-28'],
    ['2026-09-26', 'earlier', '2026-09-23'],
    // 삼일절 2027 is a Monday: later Tue 2 March; earlier crosses back over the weekend and the month end to Fri 26 Feb.
    ['2027-03-01', 'later', '2027-03-02'],
    ['2027-03-01', 'earlier', '2027-02-26'],
    // A Saturday month end moves into the next month.
    ['2026-01-31', 'later', '2026-02-02'],
    // An allowed day stays.
    ['2026-09-23', 'later', '2026-09-23'],
  ] as const)('%s shifted %s is %s (weekends and public holidays avoided)', (date, shift, expected) => {
    expect(shiftDelivery(date, weekendsAndHolidays(shift))).toBe(expected);
  });

  it('avoids only what the shop chose', () => {
    expect(shiftDelivery('2026-09-24', holidaysOnly('later'))).toBe('2026-09-27'); // a Sunday is fine here
    expect(shiftDelivery('2027-03-01', holidaysOnly('earlier'))).toBe('2027-02-28');
    expect(shiftDelivery('2027-02-07', calendar('later', { sundays: true }))).toBe('2027-02-08');
    expect(shiftDelivery('2027-02-07', DEFAULT_DELIVERY_CALENDAR)).toBe('2027-02-07');
  });

  it('moves later instead when an earlier shift would cross the limit', () => {
    expect(shiftDelivery('2027-02-08', weekendsAndHolidays('earlier'), { notBefore: '2027-02-06' })).toBe('2027-02-10');
    expect(shiftDelivery('2027-02-08', weekendsAndHolidays('earlier'), { notBefore: '2027-02-05' })).toBe('2027-02-05');
  });
});

describe('scheduled deliveries: the notice and charge follow the moved date, the anchor does not drift', () => {
  it('puts D-2 and D-1 before the moved delivery', () => {
    expect(scheduleDelivery('2027-02-07', weekendsAndHolidays('later'))).toEqual({
      nominalDate: '2027-02-07',
      deliveryDate: '2027-02-10',
      noticeDate: '2027-02-08',
      chargeDate: '2027-02-09',
    });
  });

  it('computes each month from the anchor, then moves it', () => {
    const shop = weekendsAndHolidays('later');
    // Anchored on Sun 31 Jan 2027: moved to Mon 1 Feb; Feb 28 (Sun) → Mar 1 (삼일절) → Tue Mar 2; then Mar 31 again.
    const first = scheduleDelivery('2027-01-31', shop);
    expect(first.deliveryDate).toBe('2027-02-01');
    const second = nextScheduledDelivery('1m', '2027-01-31', first, shop);
    expect(second).toMatchObject({ nominalDate: '2027-02-28', deliveryDate: '2027-03-02', noticeDate: '2027-02-28', chargeDate: '2027-03-01' });
    const third = nextScheduledDelivery('1m', '2027-01-31', second, shop);
    expect(third).toMatchObject({ nominalDate: '2027-03-31', deliveryDate: '2027-03-31' });
  });

  it('never moves a delivery earlier onto or before the previous one', () => {
    const shop = weekendsAndHolidays('earlier');
    // Weekly from Tue 2 Feb 2027: the next (Tue 9, 대체공휴일; Mon 8 and the weekend are avoided too) goes back to Fri 5.
    expect(nextScheduledDelivery('1w', '2027-02-02', { nominalDate: '2027-02-02', deliveryDate: '2027-02-02' }, shop).deliveryDate).toBe('2027-02-05');
    // Had the previous delivery itself moved to Fri 5, the next one may not land there again: it goes later.
    expect(nextScheduledDelivery('1w', '2027-02-02', { nominalDate: '2027-02-02', deliveryDate: '2027-02-05' }, shop).deliveryDate).toBe('2027-02-10');
  });
});

describe('the runs beyond the holiday data (issue 14 part B)', () => {
  const weekdaysAndHolidays = calendar('later', { sundays: true, publicHolidays: true });
  it('plans by the shop\'s weekday rules and marks the delivery unchecked, instead of failing a notice or a charge', () => {
    const beyond = `${holidayDataYears().last + 1}-01-03`;
    const previous = { nominalDate: `${holidayDataYears().last}-12-20`, deliveryDate: `${holidayDataYears().last}-12-20` };
    const planned = nextScheduledDeliveryOrUnchecked('2w', previous.nominalDate, previous, weekdaysAndHolidays);
    expect(planned.nominalDate).toBe(beyond);
    expect(planned.holidaysUnchecked).toBe(true);
    // Sundays are still avoided: only the holiday check is missing.
    expect(new Date(`${planned.deliveryDate}T00:00:00Z`).getUTCDay()).not.toBe(0);
  });
  it('within the data it is nextScheduledDelivery: 2027-02-07 (설날, a Sunday) moves to 2027-02-10, unmarked', () => {
    expect(nextScheduledDeliveryOrUnchecked('1w', '2027-01-31', { nominalDate: '2027-01-31', deliveryDate: '2027-01-31' }, weekdaysAndHolidays)).toEqual({ nominalDate: '2027-02-07', deliveryDate: '2027-02-10' });
  });
});
