/**
 * The payment gateways of the functions that charge (the charge worker, the merchant's retry): the charging part
 * of each adapter only, with PortOne's payment client (`@portone/server-sdk/payment`, for payWithBillingKey and
 * getPayment) handed to its adapter. No registration windows or card-facts code in their bundles.
 */
import { PaymentClient } from '@portone/server-sdk/payment';
import { chargingAdapters } from '../adapters/gateways/adapter-families.ts';
import { gatewayRegistry } from './gateway-registry.ts';

export const gateways = gatewayRegistry(chargingAdapters(PaymentClient));
