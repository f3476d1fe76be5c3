/**
 * The merchant's subscription service: read it (S6), apply (S1–S3, S8), the
 * PG's review (S2), the card PG and KakaoPay (S9, S21). Each change is one
 * conditional write of the shop item (see change-shop.ts).
 */
import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import { NotFound } from '../core/errors.ts';
import * as service from '../domain/shop.ts';
import type { CardPg, EasyPay, ServiceState, Shop } from '../domain/shop.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import type { PgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { activeContracts, applicationFromContracts, requireAvailable, type PgContract } from '../domain/pg-contract.ts';
import { Conflict } from '../core/errors.ts';
import { toContractView } from './pg-contracts.ts';
import type { StopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import type { WorkQueue } from '../adapters/messaging/ports.ts';
import { stopJobId, type StopProgress } from '../domain/stop-job.ts';
import { changeShop } from './change-shop.ts';
import { pendingJobsOf, startStopJobs } from './stop-job.ts';

type Deps = { shops: ShopsRepository; clock: Clock; pgContracts: Pick<PgContractsRepository, 'list'> };
/** The triggers of the stop cascade (S21–S24) also create its job and enqueue its first step. */
type StopDeps = Deps & { stopJobs: StopJobsRepository; workQueue: WorkQueue };

type StopView = { readonly reason: string; readonly at: string; readonly progress?: StopProgress };

export interface ServiceView extends Omit<ServiceState, 'stop' | 'easyPayStop'> {
  readonly requiredDocuments: readonly string[];
  readonly stats: { readonly activeSubscriptions: number };
  readonly stop?: StopView;
  readonly easyPayStop?: StopView;
  /** The shop's PG contracts in force, masked (issue 10): never their credentials. */
  readonly pgContracts?: ReadonlyArray<ReturnType<typeof toContractView>>;
}

export function toServiceView(shop: Shop, progress: { readonly stop?: StopProgress; readonly easyPayStop?: StopProgress } = {}, contracts?: readonly PgContract[]): ServiceView {
  const { stop, easyPayStop, ...rest } = shop.service;
  return {
    ...rest,
    ...(stop ? { stop: { reason: stop.reason, at: stop.at, ...(progress.stop ? { progress: progress.stop } : {}) } } : {}),
    ...(easyPayStop ? { easyPayStop: { reason: 'KAKAOPAY_OFF', at: easyPayStop.at, ...(progress.easyPayStop ? { progress: progress.easyPayStop } : {}) } } : {}),
    requiredDocuments: shop.service.cardPg ? service.REQUIRED_DOCUMENTS[shop.service.cardPg] : [],
    stats: { activeSubscriptions: shop.activeSubscriptions },
    ...(contracts ? { pgContracts: activeContracts(contracts).map(toContractView) } : {}),
  };
}

/** The view with the stop jobs' progress (S22–S24: GET /admin/service shows it while STOPPING and after). */
async function viewWithProgress(deps: Pick<StopDeps, 'stopJobs' | 'pgContracts'>, shop: Shop): Promise<ServiceView> {
  const { stop, easyPayStop } = shop.service;
  const [stopJob, easyPayJob, contracts] = await Promise.all([
    stop?.jobId ? deps.stopJobs.get(shop.shopId, stop.jobId) : undefined,
    easyPayStop ? deps.stopJobs.get(shop.shopId, easyPayStop.jobId) : undefined,
    deps.pgContracts.list(shop.shopId),
  ]);
  return toServiceView(shop, { ...(stopJob ? { stop: stopJob.progress } : {}), ...(easyPayJob ? { easyPayStop: easyPayJob.progress } : {}) }, contracts);
}

/**
 * S6: status, card PG, easy pay, the documents that PG needs (S3), usage figures and a stop's progress.
 * Resume: a STOPPING shop whose job item is missing (its trigger died between the shop write and the job)
 * gets the job created and its first step enqueued here.
 */
export async function getService(deps: StopDeps, shopId: string): Promise<ServiceView> {
  const shop = await deps.shops.get(shopId);
  if (!shop) throw new NotFound('The shop');
  if (pendingJobsOf(shop).length > 0) await startStopJobs(deps, shop, { resume: false });
  return viewWithProgress(deps, shop);
}

/**
 * S22: the merchant stops its service. One conditional write ACTIVE → STOPPING (two at once: one wins, the
 * other reads STOPPING and answers it), then the job and its first step. On a STOPPING shop it resumes the
 * job (re-enqueues its current step). Anything but ACTIVE or STOPPING → 409 SERVICE_NOT_ACTIVE.
 */
export async function stopService(deps: StopDeps, shopId: string): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  const shop = await changeShop(deps, shopId, (current) => ({ service: service.stop(current.service, at, stopJobId(current.version + 1)) }));
  await startStopJobs(deps, shop, { resume: true });
  return viewWithProgress(deps, shop);
}

/**
 * S1: no form — the shop applies with the PG contracts the platform registered
 * (its card PG and/or KakaoPay; a KakaoPay-only service is allowed, S9). The
 * service is REVIEWING and the answer lists the documents that PG wants (S3).
 * The old body (`{cardPg, easyPay}`) is accepted only if it agrees with the
 * contracts. Alternates: 422 GATEWAY_NOT_AVAILABLE (a gateway listed
 * unavailable, at once); 409 PG_CONTRACT_MISSING; legacy shop → 409
 * PRODUCT_MANAGEMENT_NOT_SUPPORTED (S8); already under review, active or
 * stopping → 409 ALREADY_APPLIED. A REJECTED or STOPPED shop may apply again.
 */
export async function applyForService(deps: Deps, shopId: string, request: { cardPg?: CardPg; easyPay?: readonly EasyPay[] }): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  if (request.cardPg !== undefined) requireAvailable(request.cardPg);
  const contracts = await deps.pgContracts.list(shopId);
  const application = applicationFromContracts(contracts, request);
  return toServiceView(await changeShop(deps, shopId, (shop) => ({ service: service.apply(shop, application, at) })), {}, contracts);
}

/** KakaoPay switched on must have a contract in force (issue 10): its signups call KakaoPay at once. */
async function requireContract(deps: Pick<Deps, 'pgContracts'>, shopId: string, gateway: 'kakaopay'): Promise<void> {
  requireAvailable(gateway);
  const inForce = activeContracts(await deps.pgContracts.list(shopId)).some((contract) => contract.gateway === gateway);
  if (!inForce) throw new Conflict('PG_CONTRACT_MISSING', `There is no registered ${gateway} contract for this shop; the platform registers it first.`);
}

/** S2: approved → ACTIVE; rejected → REJECTED with the reason. Only an application under review can be reviewed. */
export async function reviewApplication(deps: Deps, shopId: string, decision: 'approved' | 'rejected', reason?: string): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  const shop = await changeShop(deps, shopId, (current) => ({ service: service.review(current.service, decision, reason, at) }));
  return toServiceView(shop, {}, await deps.pgContracts.list(shopId));
}

/** S9, S21: a different card PG (or none) stops a running service; the same PG changes nothing. */
export async function changeCardPg(deps: StopDeps, shopId: string, cardPg: CardPg | null): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  // The merchant may declare a PG change before the platform registers the new contract (S21 stops the
  // service either way); applying again needs that contract (PG_CONTRACT_MISSING).
  if (cardPg !== null) requireAvailable(cardPg);
  const shop = await changeShop(deps, shopId, (current) => ({ service: service.changeCardPg(current.service, cardPg, at, stopJobId(current.version + 1)) }));
  await startStopJobs(deps, shop, { resume: false });
  return viewWithProgress(deps, shop);
}

/** S9: KakaoPay on or off, independent of the card PG. */
export async function setEasyPay(deps: StopDeps, shopId: string, kakaopay: boolean): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  if (kakaopay) await requireContract(deps, shopId, 'kakaopay');
  const shop = await changeShop(deps, shopId, (current) => ({ service: service.setEasyPay(current.service, kakaopay, at, stopJobId(current.version + 1)) }));
  await startStopJobs(deps, shop, { resume: false });
  return viewWithProgress(deps, shop);
}
