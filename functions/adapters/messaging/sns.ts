/** The SNS SMS adapter (one SDK client per module: a function imports only the clients it uses). */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SmsSender } from './ports.ts';

/** Korean mobile numbers to E.164, as SNS wants them: 010-1234-5678 → +821012345678. */
export function toE164(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits;
  return digits.startsWith('0') ? `+82${digits.slice(1)}` : `+82${digits}`;
}

export function snsSmsSender(client = new SNSClient({})): SmsSender {
  return {
    async send(sms) {
      const result = await client.send(
        new PublishCommand({
          PhoneNumber: toE164(sms.to),
          Message: sms.text,
          MessageAttributes: {
            // Transactional: delivered even to numbers that opted out of promotional SMS, at a higher priority.
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            kind: { DataType: 'String', StringValue: sms.kind },
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}

