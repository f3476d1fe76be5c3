/**
 * The payment gateways of the functions that register or delete billing keys (checkout, sign-up, card change,
 * the stop worker): the billing-key part of each adapter only. They never charge: no adapter's charge code and
 * no PortOne payment client in their bundles (charging-gateways.ts has those).
 */
import { BILLING_KEY_ADAPTERS } from '../adapters/gateways/adapter-families.ts';
import { gatewayRegistry } from './gateway-registry.ts';

export const gateways = gatewayRegistry(BILLING_KEY_ADAPTERS);
