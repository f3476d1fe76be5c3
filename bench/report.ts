/**
 * Prints the bench's figures: each run in detail, then the issue-12 table —
 * today's figures (bench/baseline.json: main before the change, measured on
 * this machine) and this run's side by side, with the targets.
 */
import { BUNDLE_BUDGET_BYTES } from '../system/bundling.ts';
import type { BundleFigure } from './cold.ts';
import type { RunFigures } from './daily-runs.ts';

type Counts = Record<string, number>;

interface Run extends Omit<RunFigures, 'name'> {
  readonly name: string;
  readonly ratioToFloor: number;
  readonly floor: { lanes: number; ms: number; itemsPerSecond: number; what: string };
}

export interface Figures {
  readonly environment: { loadAtStart: string; loadAtEnd: string; n: number };
  readonly notice?: Run;
  readonly charge?: Run;
  readonly scaling?: { pgDelayMs: number; perLane: number; caps: Array<{ cap: number; items: number; ms: number; itemsPerSecond: number; pgBound: number }> };
  readonly bundles: BundleFigure[];
  readonly init: Array<{ function: string; ms: number; bareMs: number; ratio: number; clients: readonly string[] }>;
}

export interface Baseline {
  readonly measured: string;
  readonly notice: { requestsPerItem: number; itemsPerSecond: number; requests: Counts };
  readonly charge: { requestsPerItem: number; itemsPerSecond: number; requests: Counts };
  readonly bundles: Array<{ function: string; bytes: number }>;
  readonly init: Array<{ function: string; ms: number; bareMs: number; ratio: number }>;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const rate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;
const perItem = (counts: Counts, n: number) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([op, count]) => `${op} ${(count / n).toFixed(count / n < 0.1 ? 3 : 2)}`)
    .join(', ');
const check = (ok: boolean) => (ok ? '✓' : '✗');

function printRun(run: Run, n: number): void {
  console.log(`\n${run.name} at ${run.scheduledTime}: ${run.due.toLocaleString('en-US')} due in ${run.messages} messages (one shop each), drained in ${(run.ms / 1000).toFixed(1)} s → ${rate(run.itemsPerSecond)}`);
  console.log(`  worker invocations ${run.queue.invocations}, messages delivered ${run.queue.delivered}, done ${run.queue.deleted}, to the DLQ ${run.queue.deadLettered}`);
  console.log(`  outcome: ${run.outcome}`);
  console.log(`  DynamoDB requests: ${(run.requestsPerItem * n).toLocaleString('en-US')} = ${run.requestsPerItem.toFixed(2)} per item (${perItem(run.requests, n)})`);
  console.log(`  fair floor (${run.floor.what}; ${run.floor.lanes} at once): ${(run.floor.ms / 1000).toFixed(1)} s → ${rate(run.floor.itemsPerSecond)}; pipeline / floor ${run.ratioToFloor.toFixed(2)}×`);
}

/** The bundles over issue 12's budget (system/bundling.ts), largest first. */
export function overBudget(bundles: readonly BundleFigure[]): BundleFigure[] {
  return bundles.filter((bundle) => bundle.bytes > BUNDLE_BUDGET_BYTES).sort((a, b) => b.bytes - a.bytes);
}

/** A bundle's parts, largest first: npm packages by name, our code by file. */
function printParts(bundle: BundleFigure, top: number): void {
  console.log(`  ${bundle.function}: ${(bundle.bytes / 1024).toFixed(1)} KB`);
  for (const part of bundle.parts.slice(0, top)) console.log(`    ${(part.bytes / 1024).toFixed(1).padStart(6)} KB  ${part.from}`);
  const rest = bundle.parts.slice(top);
  if (rest.length > 0) console.log(`    ${(rest.reduce((sum, part) => sum + part.bytes, 0) / 1024).toFixed(1).padStart(6)} KB  ${rest.length} more`);
}

export function report(figures: Figures, baseline: Baseline, allInit: boolean, explain: readonly string[] = []): void {
  const n = figures.environment.n;
  if (figures.notice) printRun(figures.notice, n);
  if (figures.charge) printRun(figures.charge, n);
  if (figures.scaling) {
    console.log(`\nthe charge run's throughput by the queue's concurrency cap (the sandbox PG answering after ${figures.scaling.pgDelayMs} ms; ${figures.scaling.perLane} charges per worker)`);
    console.log('  cap   items   items/s   the PG alone would allow');
    for (const row of figures.scaling.caps) console.log(`  ${String(row.cap).padStart(3)}  ${String(row.items).padStart(6)}  ${row.itemsPerSecond.toFixed(1).padStart(8)}   ${row.pgBound.toFixed(1)}`);
  }
  if (allInit) {
    console.log('\nfunction                    bundle   init ms   bare ms   init / bare   SDK clients');
    for (const bundle of figures.bundles) {
      const init = figures.init.find((entry) => entry.function === bundle.function);
      console.log(`  ${bundle.function.padEnd(26)} ${kb(bundle.bytes).padStart(6)}  ${String(init?.ms ?? '-').padStart(8)}  ${String(init?.bareMs ?? '-').padStart(8)}  ${(init ? init.ratio.toFixed(2) : '-').padStart(10)}    ${init?.clients.join(', ') ?? ''}`);
    }
  }

  const sizes = (list: Array<{ bytes: number }>) => `${kb(Math.min(...list.map((b) => b.bytes)))}–${kb(Math.max(...list.map((b) => b.bytes)))}`;
  const initOf = (list: Baseline['init'], name: string) => list.find((entry) => entry.function === name);
  const initText = (entry: { ms: number; bareMs: number; ratio: number } | undefined) => (entry ? `${entry.ratio.toFixed(2)}× (${entry.ms} vs ${entry.bareMs} ms)` : '-');
  const rows: Array<[string, string, string, string]> = [];
  const { notice, charge } = figures;
  if (notice && charge) {
    rows.push(['notice, DynamoDB requests per noticed cycle (mail and SMS on)', baseline.notice.requestsPerItem.toFixed(1), notice.requestsPerItem.toFixed(2), `≤ 4 ${check(notice.requestsPerItem <= 4)}`]);
    rows.push(['charge, DynamoDB requests per charged cycle', baseline.charge.requestsPerItem.toFixed(1), charge.requestsPerItem.toFixed(2), `≤ 3.5 ${check(charge.requestsPerItem <= 3.5)}`]);
    rows.push(['notice / charge items per second', `${Math.round(baseline.notice.itemsPerSecond)} / ${Math.round(baseline.charge.itemsPerSecond)}`, `${Math.round(notice.itemsPerSecond)} / ${Math.round(charge.itemsPerSecond)}`, '']);
    rows.push([
      'notice / charge pipeline ÷ fair floor (time)',
      '-',
      `${notice.ratioToFloor.toFixed(2)}× / ${charge.ratioToFloor.toFixed(2)}×`,
      `≤ 1.3× ${check(notice.ratioToFloor <= 1.3 && charge.ratioToFloor <= 1.3)}`,
    ]);
  }
  const largest = Math.max(...figures.bundles.map((bundle) => bundle.bytes));
  rows.push(['function bundles, minified, SDK external', sizes(baseline.bundles), sizes(figures.bundles), `≤ ${BUNDLE_BUDGET_BYTES / 1024} KB ${check(largest <= BUNDLE_BUDGET_BYTES)}`]);
  for (const worker of ['noticeWorker', 'chargeWorker']) {
    const now = initOf(figures.init, worker);
    rows.push([`${worker} module init ÷ a bare bundle of its SDK clients`, initText(initOf(baseline.init, worker)), initText(now), `≤ 1.2× ${check((now?.ratio ?? 99) <= 1.2)}`]);
  }
  console.log(`\nIssue 12, today and now (today: ${baseline.measured}; now: this run, load average ${figures.environment.loadAtStart} at the start, ${figures.environment.loadAtEnd} at the end)`);
  const width = Math.max(...rows.map((row) => row[0].length));
  console.log(`  ${''.padEnd(width)}  ${'today'.padStart(22)}  ${'now'.padStart(24)}  target`);
  for (const [label, today, now, target] of rows) console.log(`  ${label.padEnd(width)}  ${today.padStart(22)}  ${now.padStart(24)}  ${target}`);
  if (notice && charge) {
    console.log(`  today's requests: notice ${perItem(baseline.notice.requests, 1)}; charge ${perItem(baseline.charge.requests, 1)} (per item)`);
  }
  for (const name of explain) {
    const bundle = figures.bundles.find((entry) => entry.function === name);
    if (!bundle) console.log(`\n--explain: no function named ${name}`);
    else {
      console.log(`\nwhat the ${name} bundle is made of (esbuild metafile: bytes in the minified output)`);
      printParts(bundle, 30);
    }
  }
  const over = overBudget(figures.bundles);
  if (over.length > 0) {
    console.log(`\n✗ OVER THE BUNDLE BUDGET (${BUNDLE_BUDGET_BYTES / 1024} KB, system/bundling.ts): ${over.map((bundle) => `${bundle.function} ${kb(bundle.bytes)}`).join(', ')} — the bench exits 1. Largest parts:`);
    for (const bundle of over) printParts(bundle, 8);
  }
  console.log('Timings are one process on this machine (handlers, workers, dynalite and every endpoint share its CPU): compare ratios and requests per item, not absolute rates, with AWS.');
}
