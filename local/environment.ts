import { ENV } from '../system/functions.ts';
import { GATEWAY_ENV } from '../system/payment-gateways.ts';
import { LOG_FORMAT_ENV } from '../system/settings.ts';

export interface EmbeddedEndpoints {
  readonly tableName: string;
  readonly dynamodb: string;
  readonly ses: string;
  readonly sns: string;
  readonly sqs: string;
  readonly eventBridge: string;
  /** The bus EVENT_BUS_NAME names (the local EventBridge knows it). */
  readonly eventBusName: string;
  /**
   * WORK_QUEUE_URL. In AWS each dispatcher has its own worker's queue URL;
   * in one local process all handlers share one environment, so the local
   * runtime gives the router URL, and a single-function process (`npm run
   * invoke`) the invoked dispatcher's own queue.
   */
  readonly workQueueUrl: string;
  /** The local runtime's own URL: it serves the sandbox PG under /_local/sandbox-pg/. */
  readonly sandboxPg: string;
  /** The local KMS (GenerateDataKey, Decrypt) and its one key. */
  readonly kms: string;
  readonly kmsKeyId: string;
}

/**
 * The environment handlers get locally: the same variables the CDK stack sets,
 * plus the SDK's own per-service endpoint settings pointing at the embedded
 * services, so handler code is identical to what runs in AWS.
 *
 * PGs: every gateway is served by the sandbox PG (PG_SANDBOX), built from the
 * shop's own contract, whose credentials are sealed with the local KMS exactly
 * as they are with AWS KMS.
 */
export function handlerEnvironment(endpoints: EmbeddedEndpoints, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    [ENV.tableName]: endpoints.tableName,
    [ENV.mailFrom]: env.MAIL_FROM ?? 'no-reply@subscriptions.local',
    [ENV.stage]: 'local',
    [ENV.workQueueUrl]: endpoints.workQueueUrl,
    [ENV.eventBusName]: endpoints.eventBusName,
    [GATEWAY_ENV.sandboxUrl]: endpoints.sandboxPg,
    // Every gateway is served by the sandbox PG, in its own flow shape, from the shop's contract.
    [GATEWAY_ENV.sandbox]: 'true',
    [GATEWAY_ENV.kmsKeyId]: endpoints.kmsKeyId,
    // The dev sink (POST /_local/webhook-sink/{name}) is http://localhost.
    [ENV.webhooksAllowLocalHttp]: 'true',
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge,
    AWS_ENDPOINT_URL_KMS: endpoints.kms,
    POWERTOOLS_SERVICE_NAME: 'subscriptions-local',
    POWERTOOLS_LOG_LEVEL: env.LOG_LEVEL ?? 'INFO',
    // One readable line per log entry at a terminal; LOG_FORMAT=json shows what CloudWatch gets.
    [LOG_FORMAT_ENV]: env[LOG_FORMAT_ENV] ?? 'text',
    // EMF lines are for CloudWatch; a laptop has no use for them.
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}
