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
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { TABLE_INDEXES, TABLE_KEYS } from '../system/table.ts';
import { listen, type Listening } from './net.ts';

export interface EmbeddedDynamo extends Listening {
  readonly client: DynamoDBClient;
}

export async function startDynamo(options: { dataDir: string | null; port: number; host: string }): Promise<EmbeddedDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server: Server = dynalite({ path: options.dataDir ?? undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const requests = trackRequests(server);
  const listening = await listen(server, options.port, options.host);
  const client = new DynamoDBClient({ endpoint: listening.url, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    ...listening,
    client,
    close: async () => {
      // dynalite closes its database as soon as its server has closed, even while a request whose caller went
      // away is still writing; that write then throws "Database is closed" as an uncaught exception (a test that
      // timed out keeps calling while its file's afterAll stops the system). So: refuse new requests, let those
      // under way finish (a hung one gets 5 s), and only then close.
      await requests.drain(5_000);
      client.destroy();
      await listening.close();
    },
  };
}

/**
 * Counts the requests dynalite is serving (it calls `end` once its database work is done) and, once
 * `drain` has begun, answers new ones 503 at once, as a server going away would.
 */
function trackRequests(server: Server): { drain(timeoutMs: number): Promise<void> } {
  const handlers = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  let serving = 0;
  let closing = false;
  let idle: (() => void) | undefined;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (closing) {
      response.writeHead(503, { 'content-type': 'application/x-amz-json-1.0', connection: 'close' });
      response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException', message: 'The embedded DynamoDB is shutting down' }));
      return;
    }
    serving += 1;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      serving -= 1;
      if (serving === 0) idle?.();
      return end(...args);
    }) as ServerResponse['end'];
    for (const handler of handlers) handler(request, response);
  });
  return {
    async drain(timeoutMs) {
      closing = true;
      if (serving === 0) return;
      await new Promise<void>((done) => {
        idle = done;
        setTimeout(done, timeoutMs).unref();
      });
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
