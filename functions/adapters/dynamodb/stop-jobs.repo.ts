import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StopJob } from '../../domain/stop-job.ts';
import { writeIfCondition } from './client.ts';
import { keys } from './keys.ts';

export interface StopJobsRepository {
  /** Creates the job; false when it exists already (a repeated trigger or a resume). */
  create(job: StopJob): Promise<boolean>;
  /** Strongly consistent: a step decides from the latest checkpoint. */
  get(shopId: string, jobId: string): Promise<StopJob | undefined>;
  /** Writes the next checkpoint only if the job is still at `expectedStep`: one step is applied once. */
  checkpoint(next: StopJob, expectedStep: number): Promise<boolean>;
}

export function stopJobsRepository(db: DynamoDBDocumentClient, tableName: string): StopJobsRepository {
  const put = async (job: StopJob, condition: { expression: string; values?: Record<string, unknown> }): Promise<boolean> => {
    return writeIfCondition(() =>
      db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.stopJob(job.shopId, job.jobId), type: 'stopJob', ...job },
          ConditionExpression: condition.expression,
          ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
        }),
      ),
    );
  };
  return {
    create: (job) => put(job, { expression: 'attribute_not_exists(pk)' }),
    checkpoint: (next, expectedStep) => put(next, { expression: 'step = :expected', values: { ':expected': expectedStep } }),
    async get(shopId, jobId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.stopJob(shopId, jobId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, type: _type, ...job } = Item;
      return job as StopJob;
    },
  };
}
