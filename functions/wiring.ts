/**
 * Composition root: the secondary adapters every handler shares, created once
 * per container at module load (config fails fast here).
 */
import { systemClock, type Clock } from './core/clock.ts';
import { config } from './config.ts';
import { createDocumentClient } from './adapters/dynamodb/client.ts';
import { shopsRepository } from './adapters/dynamodb/shops.repo.ts';
import { dueWorkRepository } from './adapters/dynamodb/due-work.repo.ts';

let currentClock: Clock = systemClock;

/**
 * Replaces the time source. Only the local runtime (its controllable clock)
 * and tests call this; in AWS the clock is the system clock.
 */
export function useClock(clock: Clock): void {
  currentClock = clock;
}

const db = createDocumentClient();

export const deps = {
  clock: { now: () => currentClock.now() } satisfies Clock,
  shops: shopsRepository(db, config.tableName),
  dueWork: dueWorkRepository(db, config.tableName),
};
