/**
 * Issue 14: a registered card's expiry month — a masked fact (the month a card
 * stops working is printed on it and says nothing of its number). Stored where
 * the PG's billing-key answer carries it; absent where it does not (Toss
 * Payments' Billing object, PortOne's billing-key info, NICE's transaction and
 * KakaoPay's approve carry none; only the sandbox PG reports it today).
 */

/** A card is valid through the last day of this month. */
export interface CardExpiry {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
}

/** `YYYY-MM`, as the merchant list filter takes it. */
export type YearMonth = string;

export const YEAR_MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether a string is a `YYYY-MM` month. */
export function isYearMonth(value: string): value is YearMonth {
  return YEAR_MONTH_PATTERN.test(value);
}

/** Whether a value read from a PG is a plausible expiry (a four-digit year, a month 1–12). */
export function isCardExpiry(value: unknown): value is CardExpiry {
  if (typeof value !== 'object' || value === null) return false;
  const { year, month } = value as Record<string, unknown>;
  return Number.isInteger(year) && Number.isInteger(month) && (year as number) >= 2000 && (year as number) <= 2199 && (month as number) >= 1 && (month as number) <= 12;
}

/** The expiry as `YYYY-MM`: sorts like the date it is. */
export function expiryMonth(expiry: CardExpiry): YearMonth {
  return `${String(expiry.year).padStart(4, '0')}-${String(expiry.month).padStart(2, '0')}`;
}

/** Whether the card expires in or before `month` (the merchant filter `cardExpiringBy`). */
export function expiresBy(expiry: CardExpiry | undefined, month: YearMonth): boolean {
  return expiry !== undefined && expiryMonth(expiry) <= month;
}

/** The month `months` after `year`/`month` (negative: before). */
export function addMonths(expiry: CardExpiry, months: number): CardExpiry {
  const index = expiry.year * 12 + (expiry.month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** Same expiry (both absent counts as the same). */
export function sameExpiry(a: CardExpiry | undefined, b: CardExpiry | undefined): boolean {
  return a?.year === b?.year && a?.month === b?.month;
}

/** The last day a card works: the last day of its expiry month. */
export function lastValidDay(expiry: CardExpiry): string {
  const last = new Date(Date.UTC(expiry.year, expiry.month, 0)).getUTCDate();
  return `${expiryMonth(expiry)}-${String(last).padStart(2, '0')}`;
}

/** Issue 14: the buyer is warned this many days before the card's expiry month ends. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * Whether a payment notice on `day` warns the buyer that the card expires (issue 14), once per expiry month:
 * its month ends within EXPIRY_WARNING_DAYS, or it will not last until the charge after this one
 * (`followingChargeDate`) — so a subscription on a long cycle is warned before the charge that would fail,
 * not after it.
 */
export function expiryWarningDue(expiry: CardExpiry, day: string, followingChargeDate: string | undefined): boolean {
  const last = lastValidDay(expiry);
  const warnFrom = new Date(Date.parse(`${last}T00:00:00Z`) - EXPIRY_WARNING_DAYS * 86_400_000).toISOString().slice(0, 10);
  return warnFrom <= day || (followingChargeDate !== undefined && last < followingChargeDate);
}
