import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NotificationSettings } from '../../domain/notification-settings.ts';
import { keys } from './keys.ts';

export interface SettingsRepository {
  /** Undefined until the merchant first saves them (the defaults apply). */
  getNotificationSettings(shopId: string): Promise<NotificationSettings | undefined>;
  putNotificationSettings(shopId: string, settings: NotificationSettings, at: string): Promise<void>;
}

export function settingsRepository(db: DynamoDBDocumentClient, tableName: string): SettingsRepository {
  return {
    async getNotificationSettings(shopId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.notificationSettings(shopId) }));
      if (!Item) return undefined;
      const { paymentNotice, autoCancel, operatorEmail } = Item as unknown as NotificationSettings;
      return { paymentNotice, autoCancel, operatorEmail };
    },
    async putNotificationSettings(shopId, settings, at) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.notificationSettings(shopId), type: 'notificationSettings', ...settings, updatedAt: at } }));
    },
  };
}
