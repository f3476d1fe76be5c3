import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listPaymentGateways } from '../use-cases/payment-gateways.ts';

export const handler = httpHandler(operations.listPaymentGateways, async () => reply(listPaymentGateways()));
