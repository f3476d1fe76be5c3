/**
 * The billing keys for a function that only looks at a registration masked (`getMasked`: the PG, the card's
 * issuer and last digits, never the key) and is granted no KMS key: no sealer, so no KMS client is loaded.
 * Opening or sealing a key through it is a wiring mistake and throws.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { billingKeyRecords } from '../adapters/dynamodb/billing-keys.repo.ts';
import type { Sealer } from '../ports/sealer.ts';

const refuse = async (): Promise<never> => {
  throw new Error('This function sees billing keys masked only: it may not seal or open one (no usesGateway in system/functions.ts)');
};
const noSealer: Sealer = { seal: refuse, open: refuse, isSealed: () => true };

/** A `table({ billingKeys: maskedBillingKeys })` factory: the reads only (billingKeyRecords); `getMasked` works, `get` (which opens the key) throws. */
export const maskedBillingKeys = (client: DynamoDBDocumentClient, tableName: string) => billingKeyRecords(client, tableName, noSealer);
