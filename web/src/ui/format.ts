/** Money in won and Seoul calendar dates (YYYY-MM-DD) as Korean pages write them. */

export const won = (amount: number): string => `${amount.toLocaleString('ko-KR')}원`;

const WEEKDAYS = ['일', '월', '화', '수', '목', '금', '토'];

function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** A calendar date moved by whole days (pure calendar arithmetic: no time zone takes part). */
export function addDays(date: string, days: number): string {
  const moved = utc(date);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/** 2027-01-13 → 2027.01.13 (수) */
export function day(date: string | null | undefined): string {
  if (!date) return '-';
  return `${date.replace(/-/g, '.')} (${WEEKDAYS[utc(date).getUTCDay()]})`;
}

/** An ISO timestamp with offset → its Seoul wall time, 2027.01.13 09:00. */
export function seoulTime(timestamp: string | null | undefined): string {
  if (!timestamp) return '-';
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(timestamp));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}.${get('month')}.${get('day')} ${get('hour')}:${get('minute')}`;
}

/**
 * S17: the payment notice goes out two days before a delivery (D-2) and the
 * announced amount is charged the day before (D-1). The API says the same for a
 * subscription once it exists (nextNoticeDate, nextChargeDate); the order form
 * shows it before.
 */
export function firstRun(startDate: string): { noticeDate: string; chargeDate: string } {
  return { noticeDate: addDays(startDate, -2), chargeDate: addDays(startDate, -1) };
}

/** The card as the buyer may see it: issuer and last four digits only. */
export function maskedCard(card: { issuer: string; last4: string | null } | undefined): string {
  if (!card) return '-';
  return card.last4 ? `${card.issuer} ****-${card.last4}` : card.issuer;
}
