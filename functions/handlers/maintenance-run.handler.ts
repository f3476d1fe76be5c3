import type { ScheduledRunEvent } from '../../system/functions.ts';
import { observed } from '../core/observability.ts';
import { runMaintenance } from '../use-cases/runs/maintenance.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { table } from '../wiring/table.ts';

const deps = { ...table({ shops: shopsRepository, products: productsRepository, subscriptions: (client, name) => subscriptionsRepository(client, name), cycles: cyclesRepository }), events };

/** Daily maintenance (issue 13), triggered by EventBridge Scheduler before the notice run: resumes pauses that ran out, recounts S6. */
export const handler = observed((event: ScheduledRunEvent) => runMaintenance(deps, event.scheduledTime));
