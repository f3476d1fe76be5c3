/**
 * `npm run bench [-- --n 10000]` (or BENCH_N): the daily runs end to end on
 * the local system, in memory, with N due subscriptions. See bench/daily-runs.ts.
 *
 * This entry only reads the arguments and sets the environment the runtime
 * reads at module load (quiet logs, DynamoDB request counting) before anything
 * of the runtime is imported.
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    shops: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('Usage: npm run bench -- [--n <due subscriptions, default 10000>] [--shops <default 4>]   (or BENCH_N=…)');
  process.exit(0);
}

function positiveInteger(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} must be a positive integer, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const n = positiveInteger(values.n ?? process.env.BENCH_N, 10_000, '--n');
const shops = positiveInteger(values.shops ?? process.env.BENCH_SHOPS, 4, '--shops');

// Read at module load by the runtime (functions/core/logger.ts, functions/adapters/dynamodb/client.ts).
process.env.POWERTOOLS_LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'SILENT';
process.env.COUNT_DYNAMODB_REQUESTS = 'true';

const { runBenchmark } = await import('./daily-runs.ts');
await runBenchmark({ n, shops });
process.exit(0);
