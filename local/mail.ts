/**
 * Local SES: aws-ses-v2-local runs in this process and keeps a web inbox. In
 * front of it sits a thin recorder that handlers' @aws-sdk/client-ses talks to
 * (AWS_ENDPOINT_URL_SES): it copies each SendEmail into the outbox, with the
 * `kind` message tag our mailer sets, then forwards the call unchanged.
 */
import sesLocalModule from 'aws-ses-v2-local';
import { createServer } from 'node:http';
import type { Clock } from '../functions/core/clock.ts';
import { seoulTimestamp } from '../functions/core/dates.ts';
import { listen, readBody } from './net.ts';
import type { Outbox } from './outbox.ts';

export interface LocalMail {
  /** Where handlers send (the SES API endpoint). */
  readonly endpoint: string;
  /** The web inbox of aws-ses-v2-local. */
  readonly inboxUrl: string;
  close(): Promise<void>;
}

/** Reads `Prefix.member.N` values of an AWS Query form in order. */
function members(form: URLSearchParams, prefix: string): string[] {
  return [...form.keys()]
    .filter((key) => key.startsWith(`${prefix}.member.`) && /^\d+$/.test(key.slice(prefix.length + 8)))
    .sort((a, b) => Number(a.slice(prefix.length + 8)) - Number(b.slice(prefix.length + 8)))
    .map((key) => form.get(key) ?? '');
}

function tag(form: URLSearchParams, name: string): string | undefined {
  for (let i = 1; form.has(`Tags.member.${i}.Name`); i += 1) {
    if (form.get(`Tags.member.${i}.Name`) === name) return form.get(`Tags.member.${i}.Value`) ?? undefined;
  }
  return undefined;
}

export async function startMail(options: { host: string; inboxPort: number; apiPort: number; outbox: Outbox; clock: Clock }): Promise<LocalMail> {
  // A CommonJS module with `exports.default`: Node's ESM import hands us module.exports,
  // bundler-style interop (vitest) hands us the function itself.
  type StartSes = (config: { host: string; port: number }) => Promise<import('node:http').Server>;
  const imported = sesLocalModule as unknown as StartSes | { default: StartSes };
  const sesLocal = typeof imported === 'function' ? imported : imported.default;
  const inbox = await sesLocal({ host: options.host, port: options.inboxPort });
  const inboxAddress = inbox.address();
  const inboxPort = typeof inboxAddress === 'object' && inboxAddress ? inboxAddress.port : options.inboxPort;
  const inboxUrl = `http://${options.host}:${inboxPort}`;

  const recorder = createServer(async (request, response) => {
    try {
      const raw = await readBody(request);
      const form = new URLSearchParams(raw);
      if (request.method === 'POST' && form.get('Action') === 'SendEmail') {
        const body = form.get('Message.Body.Text.Data') ?? form.get('Message.Body.Html.Data') ?? '';
        for (const to of members(form, 'Destination.ToAddresses')) {
          options.outbox.add({
            channel: 'mail',
            to,
            subject: form.get('Message.Subject.Data') ?? '',
            body,
            kind: tag(form, 'kind') ?? 'other',
            sentAt: seoulTimestamp(options.clock.now()),
          });
        }
      }
      const forwarded = await fetch(`${inboxUrl}${request.url ?? '/'}`, {
        method: request.method ?? 'POST',
        headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length') as [string, string][]),
        body: request.method === 'GET' || request.method === 'HEAD' ? undefined : raw,
      });
      response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'text/xml' });
      response.end(await forwarded.text());
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  const api = await listen(recorder, options.apiPort, options.host);
  return {
    endpoint: api.url,
    inboxUrl,
    close: async () => {
      await api.close();
      inbox.closeAllConnections?.();
      await new Promise<void>((done) => inbox.close(() => done()));
    },
  };
}
