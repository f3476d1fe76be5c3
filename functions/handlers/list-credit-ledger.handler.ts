import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listCreditLedger } from '../use-cases/list-credit-ledger.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.listCreditLedger, async ({ principal, query }) => reply(await listCreditLedger(deps, principal.shop, query)));
