/**
 * Embedded DynamoDB: dynalite in this process, on disk under LOCAL_DATA or in
 * memory. The table is created from system/table.ts, the same definition the
 * CDK stack uses. dynalite has no transactions (TransactWriteItems answers
 * UnknownOperationException), which is why every state change in this system
 * is a single-item conditional write.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { TABLE_INDEXES, TABLE_KEYS } from '../system/table.ts';
import { listen, type Listening } from './net.ts';

export interface EmbeddedDynamo extends Listening {
  readonly client: DynamoDBClient;
}

export async function startDynamo(options: { dataDir: string | null; port: number; host: string }): Promise<EmbeddedDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server: Server = dynalite({ path: options.dataDir ?? undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const listening = await listen(server, options.port, options.host);
  const client = new DynamoDBClient({ endpoint: listening.url, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    ...listening,
    client,
    close: async () => {
      client.destroy();
      await listening.close();
    },
  };
}

/** Creates the table as system/table.ts defines it, unless it exists already (a kept data folder). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const keyAttributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of TABLE_INDEXES) {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    }),
  );
  // dynalite accepts the TTL setting but never expires items; nothing here relies on expiry happening.
  await client
    .send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true } }))
    .catch(() => undefined);
}
