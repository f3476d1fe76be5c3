/**
 * Module-scope clients, created once per Lambda container. The endpoint comes
 * from the SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB locally), so this
 * code is the same in AWS and on a laptop.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  if (process.env[COUNT_REQUESTS_ENV] === 'true') countRequests(client);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** True when DynamoDB refused a conditional write: the state was not what we expected. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Set to `true` to count every request this module's clients send, by
 * operation (`npm run bench` does; nothing in AWS sets it, and unset it costs
 * nothing). Counted per HTTP attempt, retries included, as DynamoDB bills.
 */
export const COUNT_REQUESTS_ENV = 'COUNT_DYNAMODB_REQUESTS';

const requestCounts = new Map<string, number>();
const counted = new WeakSet<DynamoDBClient>();

/** Requests sent so far, by operation (`PutItem`, `Query`…), since the process started. */
export function dynamoRequestCounts(): Record<string, number> {
  return Object.fromEntries(requestCounts);
}

function countRequests(client: DynamoDBClient): void {
  if (counted.has(client)) return;
  counted.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      requestCounts.set(operation, (requestCounts.get(operation) ?? 0) + 1);
      return next(args);
    },
    // After the retry middleware (finalizeRequest, high priority): once per attempt.
    { step: 'finalizeRequest', priority: 'low', name: 'countDynamoDbRequests' },
  );
}

/**
 * Runs a conditional write: true when it was applied, false when its condition
 * did not hold (the item was not in the state the caller expected); any other
 * error propagates.
 */
export async function writeIfCondition(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
