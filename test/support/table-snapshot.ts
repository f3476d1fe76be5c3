/**
 * A whole-table snapshot of the embedded engine, put back between the cases of a crash matrix: the cases
 * start from the state one real setup (over HTTP) left, instead of each redoing that setup. `restore()`
 * deletes every item written since and puts back every saved item whole, so each case sees exactly the
 * items, attributes and index entries the setup wrote.
 */
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../system/table.ts';

type Item = Record<string, unknown>;

const { partitionKey: pk, sortKey: sk } = TABLE_KEYS;
const keyOf = (item: Item) => JSON.stringify([item[pk], item[sk]]);

async function scanAll(db: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start);
  return items;
}

async function batchWrite(db: DynamoDBDocumentClient, tableName: string, requests: Array<{ PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } }>): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let batch: typeof requests | undefined = requests.slice(i, i + 25);
    while (batch && batch.length > 0) {
      const answer = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
      batch = answer.UnprocessedItems?.[tableName] as typeof requests | undefined;
    }
  }
}

export interface TableSnapshot {
  /** How many items the snapshot holds. */
  readonly size: number;
  /** Puts the table back as it was when the snapshot was taken; answers how many items it wrote or deleted. */
  restore(): Promise<number>;
}

/** Takes a snapshot of every item of the table (call it once nothing else writes to the table). */
export async function snapshotTable(db: DynamoDBDocumentClient, tableName: string): Promise<TableSnapshot> {
  const saved = await scanAll(db, tableName);
  const savedKeys = new Set(saved.map(keyOf));
  return {
    size: saved.length,
    async restore() {
      const written = (await scanAll(db, tableName)).filter((item) => !savedKeys.has(keyOf(item)));
      // Every saved item is put back whole (cheaper than telling which changed, and sets compare badly as JSON).
      const requests = [...written.map((item) => ({ DeleteRequest: { Key: { [pk]: item[pk], [sk]: item[sk] } } })), ...saved.map((item) => ({ PutRequest: { Item: item } }))];
      await batchWrite(db, tableName, requests);
      return requests.length;
    },
  };
}
