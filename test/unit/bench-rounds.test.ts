/** The bench reports each run's median round (bench/rounds.ts): one measured round, never a blend or the best one. */
import { describe, expect, it } from 'vitest';
import { median, roundsLine } from '../../bench/rounds.ts';

const round = (ratioToFloor: number, tag: string) => ({ ratioToFloor, tag });

describe('bench rounds', () => {
  it('picks the round with the median ratio, the lower middle of an even count, whatever the order', () => {
    expect(median([round(1.4, 'a'), round(1.1, 'b'), round(1.2, 'c')]).tag).toBe('c');
    expect(median([round(1.1, 'b'), round(1.4, 'a'), round(1.3, 'd'), round(1.2, 'c')]).tag).toBe('c');
    expect(median([round(1.25, 'only')]).tag).toBe('only');
    expect(() => median([])).toThrow('No rounds');
  });

  it('prints every round and the median of each run', () => {
    const line = roundsLine([{ notice: round(1.4, 'a'), charge: round(1.0, 'x') }, { notice: round(1.1, 'b'), charge: round(1.2, 'y') }, { notice: round(1.2, 'c'), charge: round(1.3, 'z') }]);
    expect(line).toBe('pipeline ÷ fair floor in each of 3 round(s): notice 1.40×, 1.10×, 1.20× → median 1.20×; charge 1.00×, 1.20×, 1.30× → median 1.20×');
  });
});
