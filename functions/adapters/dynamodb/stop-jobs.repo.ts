import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StopJob } from '../../domain/stop-job.ts';
import { jobItems, type JobItems } from './job-items.ts';
import { keys } from './keys.ts';

export type StopJobsRepository = JobItems<StopJob>;

export function stopJobsRepository(db: DynamoDBDocumentClient, tableName: string): StopJobsRepository {
  return jobItems<StopJob>(db, tableName, 'stopJob', keys.stopJob);
}
