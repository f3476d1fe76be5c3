/**
 * The `/_local/*` endpoints of the contract: never deployed. They give a
 * laptop what AWS and the outside world give the deployed system: tokens,
 * time, a view of what was sent, and a sandbox PG (its registration window
 * and the server API the sandbox adapter calls).
 */
import * as z from 'zod';
import { ValidationFailed, Unprocessable, NotFound, type ErrorDetail } from '../functions/core/errors.ts';
import { seoulTimestamp } from '../functions/core/dates.ts';
import type { LocalClock } from './clock.ts';
import type { ClockMoved, ClockMove, ClockView, OutboxItemView, QueuesView, SampleContracts, SandboxAuthorization, Same, TokenRequest } from './local-api.ts';
import { SAMPLE_CONTRACTS } from './sample-contracts.ts';
import type { Outbox } from './outbox.ts';
import type { LocalQueues } from './queues.ts';
import { SANDBOX_PG_PATHS } from '../system/payment-gateways.ts';
import { authorizeBody, chargeBody, deleteBillingKeyBody, issueBillingKeyBody, listBillingKeysBody, liveBillingKeysQuery, lookupQuery, maskBillingKey, readyBody, type SandboxPg } from './sandbox-pg.ts';
import { MAX_JUMP_DAYS, type LocalScheduler } from './scheduler.ts';
import type { LocalTokens } from './tokens.ts';

export interface LocalServices {
  readonly clock: LocalClock;
  readonly scheduler: LocalScheduler;
  readonly outbox: Outbox;
  readonly tokens: LocalTokens;
  readonly sandboxPg: SandboxPg;
  readonly queues: LocalQueues;
  /** Where the embedded services listen, for `npm run invoke`. */
  readonly info: Record<string, string>;
}

const tokenBody = z.strictObject({
  role: z.enum(['customer', 'admin', 'platform']),
  shop: z.string().min(1).max(64),
  sub: z.string().min(1).max(128),
});

/** Where to move the clock: to an instant (`now`), or forward by whole days and hours from where it stands. */
const clockBody = z
  .strictObject({
    now: z.iso.datetime({ offset: true }).optional(),
    days: z.number().int().min(0).max(MAX_JUMP_DAYS).optional(),
    hours: z.number().int().min(0).max(MAX_JUMP_DAYS * 24).optional(),
  })
  .refine((body) => (body.now === undefined) !== (body.days === undefined && body.hours === undefined), {
    message: 'Give either now (an ISO 8601 timestamp with offset) or days and/or hours to move forward by.',
  });

// The pages type these endpoints by local/local-api.ts: the schemas must take exactly that.
const takes: [Same<z.input<typeof tokenBody>, TokenRequest>, Same<z.input<typeof clockBody>, ClockMove>, Same<z.input<typeof authorizeBody>, SandboxAuthorization>] = [true, true, true];
void takes;

function clockTarget(body: z.infer<typeof clockBody>, from: Date): Date {
  if (body.now !== undefined) return new Date(body.now);
  return new Date(from.getTime() + ((body.days ?? 0) * 24 + (body.hours ?? 0)) * 3_600_000);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  throw new ValidationFailed(details);
}

/** Answers a `/_local/*` request: the JSON body to send with 200, or throws an AppError. */
export async function handleLocal(services: LocalServices, method: string, url: URL, body: unknown): Promise<unknown> {
  const route = `${method} ${url.pathname}`;
  switch (route) {
    case 'POST /_local/token':
      return { token: await services.tokens.mint(parse(tokenBody, body)) };
    case 'GET /_local/clock': {
      // The next runs, so that the dev console can offer "run the next notice run" and "the next charge run".
      const now = services.clock.now();
      const upcoming = services.scheduler.occurrences(now, new Date(now.getTime() + 2 * 86_400_000));
      const runTimes = services.scheduler.runTimes.map(({ functionName, hour, minute }) => ({ functionName, time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` }));
      return { now: seoulTimestamp(now), upcoming: upcoming.map(({ functionName, at }) => ({ functionName, at: seoulTimestamp(at) })), runTimes } satisfies ClockView;
    }
    case 'POST /_local/clock': {
      const target = clockTarget(parse(clockBody, body), services.clock.now());
      try {
        const runs = await services.scheduler.advanceTo(target);
        return { now: seoulTimestamp(services.clock.now()), runs } satisfies ClockMoved;
      } catch (error) {
        if (error instanceof RangeError) throw new Unprocessable('CLOCK_MOVE_REFUSED', error.message);
        throw error;
      }
    }
    case 'GET /_local/outbox':
      return { items: services.outbox.list({ to: url.searchParams.get('to') ?? undefined }) } satisfies { items: OutboxItemView[] };
    case 'GET /_local/queues':
      return services.queues.stats() satisfies QueuesView;
    // The sandbox PG: its registration window, then the server API the sandbox adapter calls.
    case `POST ${SANDBOX_PG_PATHS.authorize}`:
      return services.sandboxPg.authorize(parse(authorizeBody, body));
    case `POST ${SANDBOX_PG_PATHS.ready}`:
      return services.sandboxPg.ready(parse(readyBody, body));
    case `POST ${SANDBOX_PG_PATHS.issueBillingKey}`:
      return services.sandboxPg.issueBillingKey(parse(issueBillingKeyBody, body));
    case `POST ${SANDBOX_PG_PATHS.deleteBillingKey}`:
      return services.sandboxPg.deleteBillingKey(parse(deleteBillingKeyBody, body));
    case `POST ${SANDBOX_PG_PATHS.charges}`: {
      const request = parse(chargeBody, body);
      await services.sandboxPg.answerDelay();
      return services.sandboxPg.charge(request);
    }
    case `POST ${SANDBOX_PG_PATHS.listBillingKeys}`: {
      const keys = services.sandboxPg.liveBillingKeys(parse(listBillingKeysBody, body).customerKey);
      return { items: keys.map(({ billingKey, method, issuedAt }) => ({ billingKey, method, issuedAt })) };
    }
    case `GET ${SANDBOX_PG_PATHS.liveBillingKeys}`: {
      const { customerKey } = parse(liveBillingKeysQuery, Object.fromEntries(url.searchParams));
      return { items: services.sandboxPg.liveBillingKeys(customerKey).map((key) => ({ customerKey: key.customerKey, billingKey: maskBillingKey(key.billingKey), method: key.method, issuedAt: key.issuedAt })) };
    }
    case `GET ${SANDBOX_PG_PATHS.charges}`: {
      const { orderId } = parse(lookupQuery, Object.fromEntries(url.searchParams));
      await services.sandboxPg.answerDelay();
      return services.sandboxPg.findPaymentByOrderId(orderId);
    }
    case 'GET /_local/info':
      return services.info;
    // Schema-valid sample credentials (never real keys): the platform console fills the contract form with them.
    case 'GET /_local/sample-contracts':
      return SAMPLE_CONTRACTS satisfies SampleContracts;
    default:
      throw new NotFound(`Local endpoint ${route}`);
  }
}
