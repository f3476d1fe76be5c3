/**
 * Module-scope clients, created once per Lambda container. The endpoint comes
 * from the SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB locally), so this
 * code is the same in AWS and on a laptop.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** True when DynamoDB refused a conditional write: the state was not what we expected. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
