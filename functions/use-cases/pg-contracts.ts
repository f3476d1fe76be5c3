/**
 * Each shop's PG contracts (issue 10; S1, S2, S9, S21), registered by the platform.
 *
 * Primary course (register): the gateway is available; the credentials are
 * sealed under the KMS key with the shop as encryption context and stored with
 * a fingerprint; a different card PG than the service's is S21's PG change
 * (an ACTIVE service stops: the existing stop job), and the card PG it replaces
 * is retired (kept, with a TTL, for the stop job's key deletions at that PG).
 * The same gateway again is a key rotation: nothing stops.
 * Alternates: 422 GATEWAY_NOT_AVAILABLE (Allat, Cafe24 Payments); 404 for an
 * unknown shop; 409 SERVICE_STOPPING while a stop runs (nothing written).
 * Crash between the writes: the contract is stored first; running the same
 * request again finishes the service change and the retirement.
 */
import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import type { GatewayId } from '../../system/payment-gateways.ts';
import * as contracts from '../domain/pg-contract.ts';
import type { PgContract, ServiceEffect } from '../domain/pg-contract.ts';
import * as service from '../domain/shop.ts';
import type { Shop } from '../domain/shop.ts';
import { stopJobId } from '../domain/stop-job.ts';
import type { Sealer } from '../ports/sealer.ts';
import type { PgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import type { StopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import type { WorkQueue } from '../adapters/messaging/ports.ts';
import { changeShop } from './change-shop.ts';
import { startStopJobs } from './stop-job.ts';

export interface PgContractDeps {
  readonly clock: Clock;
  readonly shops: ShopsRepository;
  readonly pgContracts: PgContractsRepository;
  readonly sealer: Pick<Sealer, 'seal'>;
  readonly stopJobs: StopJobsRepository;
  readonly workQueue: WorkQueue;
}

/** The masked view of a contract in force (GET /platform/…/pg-contracts, GET /admin/service). */
export const toContractView = ({ gateway, registeredAt, fingerprint }: PgContract) => ({ gateway, registeredAt, fingerprint });

async function existingShop(deps: Pick<PgContractDeps, 'shops'>, shopId: string): Promise<Shop> {
  const shop = await deps.shops.get(shopId);
  if (!shop) throw new NotFound('The shop');
  return shop;
}

/** Applies a service effect of a contract change (S21's stop, KakaoPay off) as one conditional write, then starts its job. */
async function applyEffect(deps: PgContractDeps, shopId: string, effect: (shop: Shop) => ServiceEffect): Promise<void> {
  const at = seoulTimestamp(deps.clock.now());
  const shop = await changeShop(deps, shopId, (current) => {
    const decided = effect(current);
    const jobId = stopJobId(current.version + 1);
    if (decided.kind === 'card-pg') return { service: service.changeCardPg(current.service, decided.cardPg, at, jobId) };
    if (decided.kind === 'kakaopay-off') return { service: service.setEasyPay(current.service, false, at, jobId) };
    return {};
  });
  await startStopJobs(deps, shop, { resume: false });
}

const retiredUntil = (deps: Pick<PgContractDeps, 'clock'>) => Math.floor(deps.clock.now().getTime() / 1000) + contracts.RETIRED_CONTRACT_DAYS * 86_400;

export async function putPgContract(deps: PgContractDeps, shopId: string, gateway: GatewayId, credentials: Readonly<Record<string, string>>): Promise<void> {
  contracts.requireAvailable(gateway);
  const shop = await existingShop(deps, shopId);
  const { retire } = contracts.registration(await deps.pgContracts.list(shopId), gateway);
  if (shop.service.status === 'STOPPING' && contracts.effectOfRegistration(shop.service, gateway).kind !== 'none') {
    throw new Conflict('SERVICE_STOPPING', 'The service is stopping; register the new PG contract when it has stopped.');
  }
  const now = deps.clock.now();
  const sealedCredentials = await deps.sealer.seal(JSON.stringify(credentials), { shopId, purpose: 'pg-credentials' });
  await deps.pgContracts.put({ shopId, gateway, registeredAt: seoulTimestamp(now), fingerprint: contracts.fingerprintOf(gateway, credentials), sealedCredentials });
  await applyEffect(deps, shopId, (current) => contracts.effectOfRegistration(current.service, gateway));
  for (const old of retire) await deps.pgContracts.retire(shopId, old, seoulTimestamp(now), retiredUntil(deps));
}

/**
 * Unlinks a contract. The card PG in use is S21's unlink (an ACTIVE service stops);
 * KakaoPay in use is switched off (its subscriptions are cancelled by a job). The
 * contract is retired, not erased: the stop job still deletes billing keys at that PG with it.
 */
export async function deletePgContract(deps: PgContractDeps, shopId: string, gateway: GatewayId): Promise<void> {
  await existingShop(deps, shopId);
  const inForce = contracts.activeContracts(await deps.pgContracts.list(shopId)).some((contract) => contract.gateway === gateway);
  if (!inForce) throw new NotFound(`The ${gateway} contract`);
  await applyEffect(deps, shopId, (current) => contracts.effectOfDeletion(current.service, gateway));
  await deps.pgContracts.retire(shopId, gateway, seoulTimestamp(deps.clock.now()), retiredUntil(deps));
}

export async function listPgContracts(deps: Pick<PgContractDeps, 'shops' | 'pgContracts'>, shopId: string) {
  await existingShop(deps, shopId);
  return { items: contracts.activeContracts(await deps.pgContracts.list(shopId)).map(toContractView) };
}

