/** The webhook sender (issue 13), for the function that delivers: local http endpoints only where the local runtime allows them. */
import { httpWebhookSender } from '../adapters/webhooks/sender.ts';
import { config } from '../config.ts';

export const webhookDeps = { allowLocalHttp: config.webhooksAllowLocalHttp, webhookSender: httpWebhookSender({ allowLocalHttp: config.webhooksAllowLocalHttp }) };
