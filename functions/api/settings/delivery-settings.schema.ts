/** The delivery calendar (S15, S17): the body of PUT and the answer of GET and PUT. */
import * as z from '../../core/validation.ts';

export const deliverySettings = z.strictObject({
  avoid: z.strictObject({ sundays: z.boolean(), saturdays: z.boolean(), publicHolidays: z.boolean() }),
  shift: z.enum(['later', 'earlier']),
});
