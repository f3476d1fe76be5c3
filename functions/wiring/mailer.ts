/** SES, for the functions that send mail (`sends: ['mail']`). */
import { config } from '../config.ts';
import { sesMailer } from '../adapters/messaging/ses.ts';

export const mailer = sesMailer(config.mailFrom);
