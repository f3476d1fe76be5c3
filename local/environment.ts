import { ENV } from '../system/functions.ts';

export interface EmbeddedEndpoints {
  readonly tableName: string;
  readonly dynamodb: string;
  readonly ses: string;
  readonly sns: string;
}

/**
 * The environment handlers get locally: the same variables the CDK stack sets,
 * plus the SDK's own per-service endpoint settings pointing at the embedded
 * services, so handler code is identical to what runs in AWS.
 */
export function handlerEnvironment(endpoints: EmbeddedEndpoints, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    [ENV.tableName]: endpoints.tableName,
    [ENV.mailFrom]: env.MAIL_FROM ?? 'no-reply@subscriptions.local',
    [ENV.stage]: 'local',
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    POWERTOOLS_SERVICE_NAME: 'subscriptions-local',
    POWERTOOLS_LOG_LEVEL: env.LOG_LEVEL ?? 'INFO',
  };
}
