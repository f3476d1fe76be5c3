/**
 * Local SQS endpoint: what @aws-sdk/client-sqs reaches through
 * AWS_ENDPOINT_URL_SQS. This SDK version speaks the AWS JSON 1.0 protocol
 * (POST /, `Content-Type: application/x-amz-json-1.0`,
 * `X-Amz-Target: AmazonSQS.<Operation>`), with query-compatible errors: a JSON
 * `{"__type": "com.amazonaws.sqs#<Shape>", "message"}` body plus an
 * `x-amzn-query-error: <legacy code>;Sender` header. It serves SendMessage and
 * SendMessageBatch with SQS's checks, and answers MD5OfMessageBody, which the
 * SDK verifies on every send. The queues behind it are in ./queues.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { listen, readBody, type Listening } from './net.ts';
import type { LocalQueues, MessageAttributeValue } from './queues.ts';

/** The queues' MaximumMessageSize as deployed (CloudFormation's default, 256 KiB), body plus attributes. */
export const MAX_MESSAGE_BYTES = 262_144;
/** All messages of one SendMessageBatch together. */
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_ENTRIES = 10;

/** An SQS error: its JSON shape name, the legacy (query) code the SDK also reads, and the HTTP status. */
class SqsError extends Error {
  constructor(
    readonly shape: string,
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const nonExistentQueue = () => new SqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');

// XML 1.0 characters, as SQS allows them in a message: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

interface SendMessageInput {
  readonly MessageBody?: unknown;
  readonly MessageAttributes?: Record<string, MessageAttributeValue>;
  readonly DelaySeconds?: number;
}

function messageBytes(entry: SendMessageInput): number {
  let bytes = Buffer.byteLength(typeof entry.MessageBody === 'string' ? entry.MessageBody : '', 'utf8');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + Buffer.byteLength(value.StringValue ?? '') + Buffer.from(value.BinaryValue ?? '', 'base64').length;
  }
  return bytes;
}

/** Why SQS would refuse one message, or undefined. */
function invalidMessage(entry: SendMessageInput): SqsError | undefined {
  if (entry.DelaySeconds !== undefined && (!Number.isInteger(entry.DelaySeconds) || entry.DelaySeconds < 0 || entry.DelaySeconds > 900)) {
    return new SqsError('InvalidParameterValue', 'InvalidParameterValue', `Value ${String(entry.DelaySeconds)} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`);
  }
  if (typeof entry.MessageBody !== 'string' || entry.MessageBody.length === 0) {
    return new SqsError('InvalidParameterValue', 'InvalidParameterValue', 'The request must contain the parameter MessageBody.');
  }
  const invalid = INVALID_CHARACTER.exec(entry.MessageBody);
  if (invalid) {
    const code = invalid[0].codePointAt(0)!.toString(16).toUpperCase();
    return new SqsError('InvalidMessageContents', 'InvalidMessageContents', `Invalid binary character '#x${code}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`);
  }
  if (messageBytes(entry) > MAX_MESSAGE_BYTES) {
    return new SqsError('InvalidParameterValue', 'InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
  }
  return undefined;
}

function sendMessage(queues: LocalQueues, input: { QueueUrl?: unknown } & SendMessageInput): unknown {
  if (typeof input.QueueUrl !== 'string' || !queues.exists(input.QueueUrl)) throw nonExistentQueue();
  const invalid = invalidMessage(input);
  if (invalid) throw invalid;
  const queue = queues.resolve(input.QueueUrl, input.MessageBody as string);
  if (!queue) throw new SqsError('InvalidParameterValue', 'InvalidParameterValue', 'The local router queue routes WorkMessages by their kind; this message has no kind it knows.');
  const message = queue.send(input.MessageBody as string, input.MessageAttributes ?? {}, input.DelaySeconds ?? 0);
  return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody, ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}) };
}

function sendMessageBatch(queues: LocalQueues, input: { QueueUrl?: unknown; Entries?: unknown }): unknown {
  if (typeof input.QueueUrl !== 'string' || !queues.exists(input.QueueUrl)) throw nonExistentQueue();
  const queueUrl = input.QueueUrl;
  const entries = Array.isArray(input.Entries) ? (input.Entries as Array<{ Id?: unknown } & SendMessageInput>) : [];
  if (entries.length === 0) throw new SqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.');
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsError('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`);
  }
  const ids = new Set<string>();
  for (const entry of entries) {
    if (typeof entry.Id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(entry.Id)) {
      throw new SqsError('InvalidBatchEntryId', 'AWS.SimpleQueueService.InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (ids.has(entry.Id)) throw new SqsError('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${entry.Id} repeated.`);
    ids.add(entry.Id);
  }
  const total = entries.reduce((sum, entry) => sum + messageBytes(entry), 0);
  if (total > MAX_BATCH_BYTES) {
    throw new SqsError('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`);
  }

  // Each entry succeeds or fails on its own; the call answers 200 either way.
  const successful: unknown[] = [];
  const failed: unknown[] = [];
  for (const entry of entries) {
    const invalid = invalidMessage(entry);
    const queue = invalid ? undefined : queues.resolve(queueUrl, entry.MessageBody as string);
    if (invalid || !queue) {
      failed.push({ Id: entry.Id, SenderFault: true, Code: invalid?.queryCode ?? 'InvalidParameterValue', Message: invalid?.message ?? 'The local router queue routes WorkMessages by their kind; this message has no kind it knows.' });
      continue;
    }
    const message = queue.send(entry.MessageBody as string, entry.MessageAttributes ?? {}, entry.DelaySeconds ?? 0);
    successful.push({ Id: entry.Id, MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody, ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}) });
  }
  return { Successful: successful, Failed: failed };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...headers });
  response.end(JSON.stringify(body));
}

export async function startSqs(options: { host: string; port: number; queues: () => LocalQueues }): Promise<Listening> {
  const server = createServer(async (request, response) => {
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      const raw = await readBody(request);
      if (request.method !== 'POST' || !target.startsWith('AmazonSQS.')) {
        throw new SqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'The local SQS endpoint speaks AWS JSON 1.0 only (X-Amz-Target: AmazonSQS.<Operation>).');
      }
      let input: Record<string, unknown>;
      try {
        input = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        throw new SqsError('InvalidParameterValue', 'InvalidParameterValue', 'The request body is not valid JSON.');
      }
      const operation = target.slice('AmazonSQS.'.length);
      switch (operation) {
        case 'SendMessage':
          return send(response, 200, sendMessage(options.queues(), input));
        case 'SendMessageBatch':
          return send(response, 200, sendMessageBatch(options.queues(), input));
        default:
          throw new SqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `The local SQS endpoint serves SendMessage and SendMessageBatch; Lambda's event source mapping does the receiving. ${operation} is not offered here.`);
      }
    } catch (error) {
      if (error instanceof SqsError) {
        return send(response, error.status, { __type: `com.amazonaws.sqs#${error.shape}`, message: error.message }, { 'x-amzn-query-error': `${error.queryCode};Sender` });
      }
      send(response, 500, { __type: 'com.amazonaws.sqs#InternalError', message: String(error) });
    }
  });
  return listen(server, options.port, options.host);
}
