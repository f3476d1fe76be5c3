import { operation } from '../api/pg-contracts/list-payment-gateways.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listPaymentGateways } from '../use-cases/payment-gateways.ts';

export const handler = httpHandler(operation, async () => reply(listPaymentGateways()));
