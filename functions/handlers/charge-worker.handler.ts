/**
 * The charge worker (S17, S19): SQS messages from the charge dispatcher, each a
 * page of due cycle keys; every key is one `processCharge`. A message whose item
 * throws comes back (ReportBatchItemFailures) and is idempotent to redo.
 */
import { chargeSettings } from '../config.ts';
import { chargeMeasures, record } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { sqsWorker } from '../queue/sqs-worker.ts';
import { processCharge, type ChargeDeps } from '../use-cases/runs/charge.ts';
import { deps } from '../wiring.ts';

const chargeDeps: ChargeDeps = { ...deps, ...chargeSettings };

export const handler = observed(
  sqsWorker(async (item) => {
    const report = await processCharge(chargeDeps, item);
    record(chargeMeasures([report.result]));
    return report;
  }),
);
