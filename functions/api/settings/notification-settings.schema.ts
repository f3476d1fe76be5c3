/** Payment-notice mail/SMS and auto-cancel mail settings (S11, S23): the body of PUT and the answer of GET and PUT. */
import * as z from '../../core/validation.ts';

export const notificationSettings = z.strictObject({
  paymentNotice: z.strictObject({ mail: z.boolean(), sms: z.boolean() }),
  autoCancel: z.strictObject({ customerMail: z.boolean(), operatorMail: z.boolean() }),
  operatorEmail: z.email(),
});
