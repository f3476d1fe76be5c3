/**
 * The item of a background job run in checkpointed steps (the stop job, the price-change notice job): created
 * once, read strongly consistent, and advanced by one conditional write on `step`, so a step is applied once
 * however often its message is delivered.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { writeIfCondition } from './client.ts';
import type { ItemKey } from './keys.ts';

export interface JobItems<J extends { readonly step: number }> {
  /** Creates the job; false when it exists already (a repeated trigger or a resume). */
  create(job: J): Promise<boolean>;
  /** Strongly consistent: a step decides from the latest checkpoint. */
  get(shopId: string, jobId: string): Promise<J | undefined>;
  /** Writes the next checkpoint only if the job is still at `expectedStep`: one step is applied once. */
  checkpoint(next: J, expectedStep: number): Promise<boolean>;
}

export function jobItems<J extends { readonly shopId: string; readonly jobId: string; readonly step: number }>(
  db: DynamoDBDocumentClient,
  tableName: string,
  type: string,
  keyOf: (shopId: string, jobId: string) => ItemKey,
): JobItems<J> {
  const put = async (job: J, condition: { expression: string; values?: Record<string, unknown> }): Promise<boolean> =>
    writeIfCondition(() =>
      db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyOf(job.shopId, job.jobId), type, ...job },
          ConditionExpression: condition.expression,
          ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
        }),
      ),
    );
  return {
    create: (job) => put(job, { expression: 'attribute_not_exists(pk)' }),
    checkpoint: (next, expectedStep) => put(next, { expression: 'step = :expected', values: { ':expected': expectedStep } }),
    async get(shopId, jobId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keyOf(shopId, jobId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, type: _type, ...job } = Item;
      return job as J;
    },
  };
}
