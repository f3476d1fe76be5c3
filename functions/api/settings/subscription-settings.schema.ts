/** The start-date window offered to buyers (S15): the body of PUT and the answer of GET and PUT. */
import * as z from '../../core/validation.ts';

/** S15 + S17: the earliest start must leave the D-2 notice in the future, so at least 3 days ahead. */
export const MIN_EARLIEST_DAYS_AHEAD = 3;
export const MAX_LATEST_DAYS_AHEAD = 365;

export const subscriptionSettings = z.strictObject({
  startDateWindow: z
    .strictObject({
      earliestDaysAhead: z.int().check(z.gte(MIN_EARLIEST_DAYS_AHEAD, `At least ${MIN_EARLIEST_DAYS_AHEAD} days ahead, so the payment notice (D-2) is still ahead (S17).`), z.lte(MAX_LATEST_DAYS_AHEAD)),
      latestDaysAhead: z.int().check(z.gte(MIN_EARLIEST_DAYS_AHEAD), z.lte(MAX_LATEST_DAYS_AHEAD)),
    })
    .check(z.refine((window) => window.earliestDaysAhead <= window.latestDaysAhead, { path: ['latestDaysAhead'], message: 'The latest start cannot come before the earliest.' })),
});
