/** The embedded DynamoDB engine with the table created from system/table.ts, for repository tests. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startDynamo } from '../../local/dynamo.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';

export interface EmbeddedTable {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The low-level client under `db` (for libraries that send their own marshalled commands, e.g. Powertools idempotency). */
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startEmbeddedTable(tableName = 'test-table'): Promise<EmbeddedTable> {
  const dynamo = await startDynamo({ dataDir: null, port: 0, host: '127.0.0.1' });
  await ensureTable(dynamo.client, tableName);
  return { db: createDocumentClient(dynamo.client), tableName, client: dynamo.client, stop: () => dynamo.close() };
}
