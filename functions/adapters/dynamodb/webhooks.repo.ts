/**
 * Webhook endpoints and deliveries (issue 13; docs/data-model.md). Endpoints: `SHOP#{shop}` / `WEBHOOK#{id}`,
 * their secret sealed; the shop's slot map (`WEBHOOKS`) caps them with one conditional write. Deliveries: one
 * partition per endpoint, `DELIVERY#{eventAt}#{eventId}`, each attempt appended under a condition on how many
 * are recorded (a redelivered message never records one twice), kept DELIVERY_RETENTION_DAYS by TTL.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventType } from '../../../system/events.ts';
import {
  DELIVERY_RETENTION_DAYS,
  MAX_WEBHOOK_ENDPOINTS,
  type DeliveryAttempt,
  type DeliveryRef,
  type DeliveryStatus,
  type StoredWebhookEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../domain/webhook-endpoint.ts';
import { writeIfCondition } from './client.ts';
import { clientStartKeyRefused, decodeCursor, encodeCursor, tableQueryShape } from './cursor.ts';
import { keys, sortKeyPrefixes, webhookDeliveriesPk } from './keys.ts';

export interface DeliveryPage {
  readonly items: WebhookDelivery[];
  readonly nextCursor: string | null;
}

export interface WebhooksRepository {
  /** Takes one of the shop's endpoint slots for `endpointId`; false when all are taken. */
  reserveSlot(shopId: string, endpointId: string, at: string): Promise<boolean>;
  /** Frees a slot (after a delete, or one whose create crashed before its endpoint was written). */
  releaseSlot(shopId: string, endpointId: string): Promise<void>;
  /** The slots taken: endpoint id → when it was reserved. */
  slots(shopId: string): Promise<Record<string, string>>;
  putEndpoint(endpoint: StoredWebhookEndpoint): Promise<void>;
  /** The shop's endpoints, masked (no secret). */
  listEndpoints(shopId: string): Promise<WebhookEndpoint[]>;
  getEndpoint(shopId: string, endpointId: string): Promise<StoredWebhookEndpoint | undefined>;
  /** False when there was no such endpoint. */
  deleteEndpoint(shopId: string, endpointId: string): Promise<boolean>;
  /** Writes a new delivery (PENDING, no attempt); a repeat of the same event to the same endpoint changes nothing. */
  createDelivery(delivery: Omit<WebhookDelivery, 'status' | 'attempts'>, now: Date): Promise<void>;
  getDelivery(ref: DeliveryRef): Promise<WebhookDelivery | undefined>;
  /** Appends attempt number `attempt.attempt` and sets the status; false when that attempt is already recorded. */
  recordAttempt(ref: DeliveryRef, attempt: DeliveryAttempt, status: DeliveryStatus): Promise<boolean>;
  /** An endpoint's deliveries, newest first. */
  listDeliveries(shopId: string, endpointId: string, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<DeliveryPage>;
}

const maskedEndpoint = ({ shopId, id, url, events, createdAt }: Record<string, unknown>): WebhookEndpoint => ({
  shopId: shopId as string,
  id: id as string,
  url: url as string,
  events: events as EventType[],
  createdAt: createdAt as string,
});

const toDelivery = (item: Record<string, unknown>): WebhookDelivery => ({
  shopId: item.shopId as string,
  endpointId: item.endpointId as string,
  eventId: item.eventId as string,
  eventAt: item.eventAt as string,
  eventType: item.eventType as EventType,
  body: item.body as string,
  status: item.status as DeliveryStatus,
  attempts: (item.attempts as DeliveryAttempt[] | undefined) ?? [],
});

export function webhooksRepository(db: DynamoDBDocumentClient, tableName: string): WebhooksRepository {
  const deliveryKey = (ref: DeliveryRef) => keys.webhookDelivery(ref.shopId, ref.endpointId, ref.eventAt, ref.eventId);
  return {
    async reserveSlot(shopId, endpointId, at) {
      // SET on a map entry needs the map: create the slot item first (a no-op when it exists).
      await writeIfCondition(() =>
        db.send(new PutCommand({ TableName: tableName, Item: { ...keys.webhookSlots(shopId), type: 'webhookSlots', slots: {} }, ConditionExpression: 'attribute_not_exists(pk)' })),
      );
      return writeIfCondition(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.webhookSlots(shopId),
            UpdateExpression: 'SET slots.#id = :at',
            ConditionExpression: 'size(slots) < :max AND attribute_not_exists(slots.#id)',
            ExpressionAttributeNames: { '#id': endpointId },
            ExpressionAttributeValues: { ':at': at, ':max': MAX_WEBHOOK_ENDPOINTS },
          }),
        ),
      );
    },
    async releaseSlot(shopId, endpointId) {
      await writeIfCondition(() =>
        db.send(new UpdateCommand({ TableName: tableName, Key: keys.webhookSlots(shopId), UpdateExpression: 'REMOVE slots.#id', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: { '#id': endpointId } })),
      );
    },
    async slots(shopId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.webhookSlots(shopId), ConsistentRead: true }));
      return (Item?.slots as Record<string, string> | undefined) ?? {};
    },
    async putEndpoint(endpoint) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.webhookEndpoint(endpoint.shopId, endpoint.id), type: 'webhookEndpoint', ...endpoint } }));
    },
    async listEndpoints(shopId) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.shop(shopId).pk, ':prefix': sortKeyPrefixes.webhookEndpoints },
          // The sealed secret stays in the table: a list never carries it.
          ProjectionExpression: 'shopId, id, #url, events, createdAt',
          ExpressionAttributeNames: { '#url': 'url' },
          ConsistentRead: true,
        }),
      );
      return Items.map(maskedEndpoint).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async getEndpoint(shopId, endpointId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.webhookEndpoint(shopId, endpointId), ConsistentRead: true }));
      if (!Item || typeof Item.sealedSecret !== 'string') return undefined;
      return { ...maskedEndpoint(Item), sealedSecret: Item.sealedSecret };
    },
    async deleteEndpoint(shopId, endpointId) {
      return writeIfCondition(() =>
        db.send(new DeleteCommand({ TableName: tableName, Key: keys.webhookEndpoint(shopId, endpointId), ConditionExpression: 'attribute_exists(pk)' })),
      );
    },
    async createDelivery(delivery, now) {
      const expiresAt = Math.floor(now.getTime() / 1000) + DELIVERY_RETENTION_DAYS * 86_400;
      await writeIfCondition(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...deliveryKey(delivery), type: 'webhookDelivery', ...delivery, status: 'PENDING', attempts: [], expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async getDelivery(ref) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: deliveryKey(ref), ConsistentRead: true }));
      return Item ? toDelivery(Item) : undefined;
    },
    async recordAttempt(ref, attempt, status) {
      return writeIfCondition(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKey(ref),
            UpdateExpression: 'SET attempts = list_append(attempts, :attempt), #status = :status',
            ConditionExpression: 'attribute_exists(pk) AND size(attempts) = :recorded',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':attempt': [attempt], ':status': status, ':recorded': attempt.attempt - 1 },
          }),
        ),
      );
    },
    async listDeliveries(shopId, endpointId, page) {
      const pk = webhookDeliveriesPk(shopId, endpointId);
      const startKey = decodeCursor(page.cursor, tableQueryShape(pk, sortKeyPrefixes.webhookDeliveries));
      const result = await clientStartKeyRefused(startKey !== undefined, () =>
        db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': sortKeyPrefixes.webhookDeliveries },
            ScanIndexForward: false,
            Limit: page.limit,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      return { items: (result.Items ?? []).map(toDelivery), nextCursor: encodeCursor(result.LastEvaluatedKey) };
    },
  };
}
