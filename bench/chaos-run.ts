/**
 * `npm run chaos [-- options]`: the whole local system SIGKILLed during the daily runs, restarted, the clock
 * moved on, over several rounds (bench/chaos.ts); prints the figures and fails (exit 1) on any lost, doubly
 * charged or stuck cycle, an unexplained repeat notice, or inexact credits.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runChaos, type ChaosFigures } from './chaos.ts';

const USAGE = `Usage: npm run chaos -- [options]
  --subscriptions <n>  weekly subscriptions (default 100)
  --shops <n>          shops they belong to (default 3)
  --rounds <n>         weekly deliveries each goes through (default 3)
  --kills <n>          SIGKILLs per run with work: the run, then its replay after the restart (default 2)
  --only <kind>        kill only the notice or the charge runs
  --seed <n>           seed of the kill moments (default: the time)
  --keep               keep the data folder
  --json <file>        write the figures as JSON`;

const { values } = parseArgs({
  options: {
    subscriptions: { type: 'string' },
    shops: { type: 'string' },
    rounds: { type: 'string' },
    kills: { type: 'string' },
    only: { type: 'string' },
    seed: { type: 'string' },
    keep: { type: 'boolean' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = (text: string | undefined, fallback: number, name: string, min = 1): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got "${text}"\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
};
if (values.only !== undefined && values.only !== 'notice' && values.only !== 'charge') {
  console.error(`--only takes notice or charge, got "${values.only}"\n\n${USAGE}`);
  process.exit(2);
}

const seed = count(values.seed, Date.now() % 1_000_000, 'seed', 0);
const options = {
  subscriptions: count(values.subscriptions, 100, 'subscriptions'),
  shops: count(values.shops, 3, 'shops'),
  rounds: count(values.rounds, 3, 'rounds'),
  killsPerRun: count(values.kills, 2, 'kills', 0),
  killDuring: values.only ? [values.only as 'notice' | 'charge'] : (['notice', 'charge'] as const),
  seed,
  keep: values.keep ?? false,
  progress: (line: string) => console.log(line),
};

console.log(`Chaos: ${options.subscriptions} subscriptions, ${options.shops} shops, ${options.rounds} rounds, ${options.killsPerRun} kills per run with work, seed ${seed}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const figures: ChaosFigures = await runChaos(options);
const n = figures.notices;
console.log(`
  kills            ${figures.kills} (+${figures.killsAfterTheRun} that came after the run had finished), restarts ${figures.restarts}
  cycles           ${figures.cycles} due, ${figures.charged} charged, ${figures.moved} moved by a late notice
  captures         ${figures.captures}
  duplicates       ${figures.duplicates}
  lost             ${figures.lost}
  stuck            ${figures.stuck}
  notices          ${n.mails} mails, ${n.sms} SMS; missing ${n.missing}; repeats after an abandoned send ${n.repeatsAfterAbandonedSend} (allowed: SES/SNS take no idempotency key), unexplained ${n.repeatsUnexplained}
  credits          ${figures.credits.exact ? 'exact' : 'NOT exact'}, reserved ${figures.credits.reserved}
  took             ${figures.seconds.toFixed(1)} s`);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ options: { ...options, progress: undefined }, figures }, null, 2)}\n`);
const failed = figures.duplicates > 0 || figures.lost > 0 || figures.stuck > 0 || n.missing > 0 || n.repeatsUnexplained > 0 || !figures.credits.exact || figures.captures !== figures.cycles;
console.log(failed ? '\nFAILED' : '\nOK: every due cycle charged exactly once, nothing stuck, credits exact');
process.exit(failed ? 1 : 0);
