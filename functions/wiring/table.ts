/**
 * The table: one DynamoDB document client per container, and `table(...)`,
 * which builds the repositories a function names over it — so a function
 * bundles and builds only the adapters it uses.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { clock } from './clock.ts';

export const db = createDocumentClient();
export const tableName = config.tableName;

type Factories = Record<string, (client: DynamoDBDocumentClient, table: string) => unknown>;

/**
 * The named repositories over `client` (the daily runs pass a batching one), with the clock:
 * `table({ shops: shopsRepository })` → `{ clock, shops }`.
 */
export function table<F extends Factories>(factories: F, client: DynamoDBDocumentClient = db): { readonly [K in keyof F]: ReturnType<F[K]> } & { readonly clock: typeof clock } {
  const built = Object.fromEntries(Object.entries(factories).map(([name, factory]) => [name, factory(client, tableName)]));
  return { ...built, clock } as { readonly [K in keyof F]: ReturnType<F[K]> } & { readonly clock: typeof clock };
}
