import type { CreditsRepository, LedgerPage } from '../adapters/dynamodb/credits.repo.ts';

/** Every applied top-up and debit of the merchant's shop, newest first (S12, S24). */
export function listCreditLedger(deps: { credits: CreditsRepository }, shopId: string, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<LedgerPage> {
  return deps.credits.ledger(shopId, page);
}
