/**
 * The payment gateways of the functions that register or delete billing keys (checkout, sign-up, the stop
 * worker). They never charge: PortOne's payment client stays out of their bundles (charging-gateways.ts has it).
 */
import { gatewayRegistry } from './gateway-registry.ts';

export const gateways = gatewayRegistry();
