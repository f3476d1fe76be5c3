import { pgContractsApi } from '../api/pg-contracts.api.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listPaymentGateways } from '../use-cases/payment-gateways.ts';

export const handler = httpHandler(pgContractsApi.listPaymentGateways, async () => reply(listPaymentGateways()));
