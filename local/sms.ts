/**
 * Local SNS: accepts the Publish call @aws-sdk/client-sns makes for an SMS
 * (AWS Query protocol, form-encoded) and keeps the message in the outbox.
 * Anything else answers as SNS would for an operation it does not offer here.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Clock } from '../functions/core/clock.ts';
import { seoulTimestamp } from '../functions/core/dates.ts';
import { listen, readBody, type Listening } from './net.ts';
import type { Outbox } from './outbox.ts';

function messageAttribute(form: URLSearchParams, name: string): string | undefined {
  for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i += 1) {
    if (form.get(`MessageAttributes.entry.${i}.Name`) === name) return form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? undefined;
  }
  return undefined;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

export async function startSms(options: { host: string; port: number; outbox: Outbox; clock: Clock }): Promise<Listening> {
  const server = createServer(async (request, response) => {
    const form = new URLSearchParams(await readBody(request));
    const phoneNumber = form.get('PhoneNumber');
    const message = form.get('Message');
    if (form.get('Action') !== 'Publish') {
      response.writeHead(400, { 'content-type': 'text/xml' });
      response.end(errorXml('InvalidAction', `The local SNS endpoint only serves Publish to a phone number.`));
      return;
    }
    if (!phoneNumber || !message) {
      response.writeHead(400, { 'content-type': 'text/xml' });
      response.end(errorXml('InvalidParameter', 'PhoneNumber and Message are required (SMS only).'));
      return;
    }
    options.outbox.add({ channel: 'sms', to: phoneNumber, body: message, kind: messageAttribute(form, 'kind') ?? 'other', sentAt: seoulTimestamp(options.clock.now()) });
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  return listen(server, options.port, options.host);
}
