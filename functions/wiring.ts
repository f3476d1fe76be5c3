/**
 * Composition root of the HTTP handlers: the clock and the table's
 * repositories, created once per container (config fails fast here). Every
 * other adapter has a module of its own under functions/wiring/ — SES, SNS,
 * SQS, EventBridge, the PGs — and only a function that uses one imports it,
 * so a function bundles and starts only the SDK clients it needs
 * (system/functions.ts `sdkClientsOf`).
 */
import { clock } from './wiring/clock.ts';
import { db, repositories } from './wiring/table.ts';

export { useClock } from './wiring/clock.ts';

export const deps = repositories(db, clock);
