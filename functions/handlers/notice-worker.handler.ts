import { sqsWorker } from '../queue/sqs-worker.ts';
import { openNoticeScope, processNotice, type NoticeScope } from '../use-cases/runs/notice.ts';
import { deps } from '../wiring.ts';

/**
 * The D-2 payment-notice worker (S11, S12, S17, S18), fed by the notice run through SQS. Each message gets a
 * scope — its SMS credit blocks and cached shop reads — opened before its first item and released after its last.
 */
export const handler = sqsWorker((item, scope: NoticeScope) => processNotice(deps, item, scope), {
  start: (message) => openNoticeScope(deps, message),
  finish: (scope) => scope.close(),
});
