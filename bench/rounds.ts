/**
 * The bench's rounds: both runs and both floors measured `--rounds` times in
 * one process, each round on fresh subscriptions. One round's ratio to its
 * floor varies by about ±15 % on this machine with nothing changed (one
 * process, one CPU: where a major GC lands, what the other core does), so the
 * figures reported are the median round's — a measured round, not a blend.
 */
export interface Measured {
  readonly ratioToFloor: number;
}

/** The round with the median ratio (the lower middle one of an even count). */
export function median<T extends Measured>(rounds: readonly T[]): T {
  if (rounds.length === 0) throw new Error('No rounds measured');
  const sorted = [...rounds].sort((a, b) => a.ratioToFloor - b.ratioToFloor);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Every round's ratios, and the median's, in one line. */
export function roundsLine(rounds: ReadonlyArray<{ readonly notice: Measured; readonly charge: Measured }>): string {
  const list = (pick: (round: (typeof rounds)[number]) => Measured) => `${rounds.map((round) => `${pick(round).ratioToFloor.toFixed(2)}×`).join(', ')} → median ${median(rounds.map(pick)).ratioToFloor.toFixed(2)}×`;
  return `pipeline ÷ fair floor in each of ${rounds.length} round(s): notice ${list((round) => round.notice)}; charge ${list((round) => round.charge)}`;
}
