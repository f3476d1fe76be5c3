import { keys } from '../adapters/dynamodb/keys.ts';
import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { resolveCycle } from '../use-cases/resolve-cycle.ts';
import { chargeSettings } from '../config.ts';
import { processCharge, type ChargeDeps } from '../use-cases/runs/charge.ts';
import { deps } from '../wiring.ts';

const chargeDeps: ChargeDeps = { ...deps, ...chargeSettings };

/** The follow-ups of a resolved cycle are the charge worker's own: the same processing of that one cycle. */
const finishFollowUps = (subscriptionId: string, deliveryDate: string, scheduledTime: string) =>
  processCharge(chargeDeps, { kind: 'CHARGE', date: deliveryDate, scheduledTime, key: keys.cycle(subscriptionId, deliveryDate), messageId: `resolve:${subscriptionId}:${deliveryDate}` });

export const handler = httpHandler(operations.resolveCycle, async ({ principal, params, body }) =>
  reply(await resolveCycle({ ...deps, finishFollowUps }, principal.shop, principal.sub, params.subscriptionId, params.deliveryDate, body)),
);
