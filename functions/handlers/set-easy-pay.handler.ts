import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { setEasyPay } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.setEasyPay, async ({ principal, body }) => reply(await setEasyPay(deps, principal.shop, body.kakaopay)));
