/**
 * The payment gateways of the function that charges (the charge worker): the default adapters, with PortOne's
 * payment client (`@portone/server-sdk/payment`, for payWithBillingKey and getPayment) handed to its adapter.
 */
import { PaymentClient } from '@portone/server-sdk/payment';
import { portOneAdapter } from '../adapters/gateways/registry.ts';
import { gatewayRegistry } from './gateway-registry.ts';

export const gateways = gatewayRegistry({ portone: portOneAdapter(PaymentClient) });
