import { noticeMeasures, record } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { sqsWorker } from '../queue/sqs-worker.ts';
import { openNoticeScope, processNotice, type NoticeScope } from '../use-cases/runs/notice.ts';
import { deps } from '../wiring.ts';

/**
 * The D-2 payment-notice worker (S11, S12, S17, S18), fed by the notice run through SQS. Each message gets a
 * scope — its SMS credit blocks and cached shop reads — opened before its first item and released after its last.
 */
export const handler = observed(
  sqsWorker(
    async (item, scope: NoticeScope) => {
      const outcome = await processNotice(deps, item, scope);
      record(noticeMeasures([outcome]));
      return outcome;
    },
    {
      start: (message) => openNoticeScope(deps, message),
      finish: (scope) => scope.close(),
    },
  ),
);
