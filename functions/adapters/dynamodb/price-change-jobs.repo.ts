import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PriceChangeJob } from '../../domain/price-change-job.ts';
import { jobItems, type JobItems } from './job-items.ts';
import { keys } from './keys.ts';

export type PriceChangeJobsRepository = JobItems<PriceChangeJob>;

export function priceChangeJobsRepository(db: DynamoDBDocumentClient, tableName: string): PriceChangeJobsRepository {
  return jobItems<PriceChangeJob>(db, tableName, 'priceChangeJob', keys.priceChangeJob);
}
