/**
 * Runs npm scripts one after another, stops at the first that fails, and prints how long each took
 * (`npm test` is this: typecheck, lint, the tests, the bundling synth). Usage: tsx scripts/steps.ts a b c
 */
import { spawnSync } from 'node:child_process';

const steps = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const timings: Array<{ step: string; took: number; ok: boolean }> = [];
const began = Date.now();
let failed: number | undefined;

for (const step of steps) {
  console.log(`\n▶ npm run ${step}`);
  const start = Date.now();
  const { status, signal } = spawnSync(npm, ['run', '--silent', step], { stdio: 'inherit' });
  const took = Date.now() - start;
  const ok = status === 0;
  timings.push({ step, took, ok });
  console.log(`${ok ? '✔' : '✘'} ${step} ${ok ? 'passed' : `failed (${signal ?? `exit ${status}`})`} in ${seconds(took)}`);
  if (!ok) {
    failed = status ?? 1;
    break;
  }
}

console.log('\nStep times:');
for (const { step, took, ok } of timings) console.log(`  ${ok ? '✔' : '✘'} ${step.padEnd(14)} ${seconds(took).padStart(8)}`);
for (const step of steps.slice(timings.length)) console.log(`  - ${step.padEnd(14)}  not run`);
console.log(`  ${'total'.padEnd(16)} ${seconds(Date.now() - began).padStart(8)}`);
process.exit(failed ?? 0);
