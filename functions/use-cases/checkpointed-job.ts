/**
 * One step of a background job that works in bounded, checkpointed steps on a queue (the stop job, the
 * price-change notice job): the job item holds `step`; the message of step n may advance it only while it is
 * at step n (one conditional write), and then enqueues step n + 1.
 *
 * Alternate courses: a duplicate of step n after its checkpoint → nothing; a step that dies → redelivered and
 * redone (its writes are conditional or idempotent, its messages go through the send-once log); a step whose
 * checkpoint landed but whose next message was never sent → its redelivery finds the job one step on with
 * `advancedBy` naming it, and sends that message.
 */
import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import type { JobItems } from '../adapters/dynamodb/job-items.ts';
import type { WorkQueue } from '../adapters/messaging/ports.ts';

export interface CheckpointedJob {
  readonly shopId: string;
  readonly jobId: string;
  readonly step: number;
  readonly progress: { readonly phase: string };
  readonly advancedBy?: string;
  readonly updatedAt: string;
}

export interface StepMessage {
  readonly shopId: string;
  readonly jobId: string;
  readonly step: number;
}

/** Runs `work` for the job's current step once; answers the job before and after when this call checkpointed it. */
export async function runCheckpointedStep<J extends CheckpointedJob>(
  deps: { readonly jobs: JobItems<J>; readonly workQueue: WorkQueue; readonly clock: Clock },
  received: StepMessage,
  messageId: string,
  messageOf: (job: J, step: number) => unknown,
  work: (job: J) => Promise<J>,
): Promise<{ before: J; after: J } | undefined> {
  const job = await deps.jobs.get(received.shopId, received.jobId);
  if (!job || job.progress.phase === 'DONE') return undefined;
  if (received.step !== job.step) {
    // This message already advanced the job and died before sending the next step: send it now.
    if (received.step === job.step - 1 && job.advancedBy === messageId) await deps.workQueue.send([messageOf(job, job.step)]);
    return undefined;
  }
  const worked = await work(job);
  const next: J = { ...worked, step: job.step + 1, advancedBy: messageId, updatedAt: seoulTimestamp(deps.clock.now()) };
  if (!(await deps.jobs.checkpoint(next, job.step))) return undefined; // a duplicate of this step checkpointed first
  if (next.progress.phase !== 'DONE') await deps.workQueue.send([messageOf(next, next.step)]);
  return { before: job, after: next };
}
