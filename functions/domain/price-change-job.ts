/**
 * The price-change notice job (issue 14, the 30-day consent): one item per recorded increase
 * (`keys.priceChangeJob`, jobId = the change id), run in bounded steps by the price-change worker. Each step
 * tells one page of the product's subscribers (by-product index) and checkpoints its cursor and counts.
 *
 * Phases: NOTIFY (one page per step) → DONE.
 */
import type { PriceChange } from './price-change.ts';

export const PRICE_CHANGE_PHASES = ['NOTIFY', 'DONE'] as const;
export type PriceChangePhase = (typeof PRICE_CHANGE_PHASES)[number];

export interface PriceChangeProgress {
  readonly phase: PriceChangePhase;
  /** Subscriptions told (by mail, SMS or both). */
  readonly notified: number;
  readonly mailsSent: number;
  readonly smsSent: number;
  /** SMS not sent for want of credits (S12). */
  readonly smsNotSent: number;
  /** Subscribers with no address to tell: the merchant must reach them otherwise. */
  readonly unreachable: number;
}

export interface PriceChangeJob {
  readonly shopId: string;
  readonly jobId: string;
  readonly change: PriceChange;
  readonly productName: string;
  readonly progress: PriceChangeProgress;
  readonly step: number;
  readonly cursor?: string;
  readonly advancedBy?: string;
  readonly updatedAt: string;
}

/** Subscriptions per step: far below a Lambda's limits, and a page of mail SES takes at its default rate. */
export const PRICE_CHANGE_PAGE_SIZE = 50;

export function newPriceChangeJob(request: { shopId: string; change: PriceChange; productName: string; at: string }): PriceChangeJob {
  return {
    shopId: request.shopId,
    jobId: request.change.changeId,
    change: request.change,
    productName: request.productName,
    step: 0,
    progress: { phase: 'NOTIFY', notified: 0, mailsSent: 0, smsSent: 0, smsNotSent: 0, unreachable: 0 },
    updatedAt: request.at,
  };
}

/** The message on the price-change queue: one step of one job. */
export interface PriceChangeMessage {
  readonly kind: 'PRICE_CHANGE';
  readonly shopId: string;
  readonly jobId: string;
  readonly step: number;
}


