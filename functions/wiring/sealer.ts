/**
 * The KMS envelope sealer (PG credentials and billing keys), for the functions granted the KMS key
 * (`usesGateway` or `sealsPgCredentials` in system/functions.ts); it brings the KMS client.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GATEWAY_ENV } from '../../system/payment-gateways.ts';
import { envelopeSealerFromEnv } from '../adapters/crypto/envelope.ts';
import { billingKeyRecords, billingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';

export const sealer = envelopeSealerFromEnv(process.env[GATEWAY_ENV.kmsKeyId]);

/** The billing keys, sealed and opened with `sealer`: a `table({ billingKeys: sealedBillingKeys })` factory. */
export const sealedBillingKeys = (client: DynamoDBDocumentClient, tableName: string) => billingKeysRepository(client, tableName, sealer);

/** One registration's reads only (`get` opened, `getMasked`), sealed with `sealer`: what the charge worker builds. */
export const sealedBillingKeyRecords = (client: DynamoDBDocumentClient, tableName: string) => billingKeyRecords(client, tableName, sealer);
