/** The SES mail adapter (one SDK client per module: a function imports only the clients it uses). */
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer } from './ports.ts';

export function sesMailer(from: string, client = new SESClient({})): Mailer {
  return {
    async send(mail) {
      const result = await client.send(
        new SendEmailCommand({
          Source: from,
          Destination: { ToAddresses: [mail.to] },
          Message: { Subject: { Data: mail.subject, Charset: 'UTF-8' }, Body: { Text: { Data: mail.text, Charset: 'UTF-8' } } },
          // The kind travels as an SES message tag (usable in SES event publishing; the local outbox reads it).
          Tags: [{ Name: 'kind', Value: mail.kind }],
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}

