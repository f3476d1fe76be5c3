/**
 * Runs npm scripts one after another, stops at the first that fails, and prints how long each took
 * (`npm test` is this: typecheck, lint and the tests, all at once).
 * Usage: tsx scripts/steps.ts a b+c d — `b+c` runs b and c at once. The last step of a group is its
 * main one: it prints as it goes (the tests' progress) at the normal priority; the others run at the
 * lowest priority and each one's output is printed whole when it ends, so the log stays readable.
 * Why: the typecheck (single-threaded tsc) and lint beside each other leave a core idle for a third of
 * their time, and the tests leave gaps too (a browser starting, a child process, a worker between
 * files). At the lowest priority the typecheck and lint take only what the tests leave, so the tests
 * run as fast as alone (a browser test's waits are not squeezed) and the cores have work until the end;
 * at worst they finish after the tests, as long as they took before them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { constants, setPriority } from 'node:os';

const steps = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const timings: Array<{ step: string; took: number; ok: boolean }> = [];
const began = Date.now();
let failed: number | undefined;

const report = (step: string, took: number, status: number | null, signal: NodeJS.Signals | null) => {
  const ok = status === 0;
  timings.push({ step, took, ok });
  console.log(`${ok ? '✔' : '✘'} ${step} ${ok ? 'passed' : `failed (${signal ?? `exit ${status}`})`} in ${seconds(took)}`);
  if (!ok) failed ??= status ?? 1;
};

/** One step, its output straight to the terminal. */
function runAlone(step: string) {
  console.log(`\n▶ npm run ${step}`);
  const start = Date.now();
  const { status, signal } = spawnSync(npm, ['run', '--silent', step], { stdio: 'inherit' });
  report(step, Date.now() - start, status, signal);
}

/** Several steps at once: the last one's output straight to the terminal; each other one at the lowest priority, its output (stdout and stderr in order) printed when it ends. */
async function runTogether(group: readonly string[]) {
  console.log(`\n▶ ${group.map((step) => `npm run ${step}`).join('  and  ')} (at once)`);
  const start = Date.now();
  await Promise.all(
    group.map(
      (step, index) =>
        new Promise<void>((resolve) => {
          const live = index === group.length - 1;
          const output: Buffer[] = [];
          const child = spawn(npm, ['run', '--silent', step], { stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
          // Before npm has started the script (it takes a while to boot): the script's processes inherit it.
          if (!live && child.pid !== undefined) setPriority(child.pid, constants.priority.PRIORITY_LOW);
          child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
          child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
          child.on('close', (status, signal) => {
            const text = Buffer.concat(output).toString().trimEnd();
            if (!live) console.log(`\n── npm run ${step} ──${text ? `\n${text}` : ''}`);
            report(step, Date.now() - start, status, signal);
            resolve();
          });
        }),
    ),
  );
}

for (const step of steps) {
  const group = step.split('+');
  if (group.length > 1) await runTogether(group);
  else runAlone(step);
  if (failed !== undefined) break;
}

console.log('\nStep times:');
for (const { step, took, ok } of timings) console.log(`  ${ok ? '✔' : '✘'} ${step.padEnd(14)} ${seconds(took).padStart(8)}`);
for (const step of steps.flatMap((s) => s.split('+')).filter((name) => !timings.some((timing) => timing.step === name))) console.log(`  - ${step.padEnd(14)}  not run`);
console.log(`  ${'total'.padEnd(16)} ${seconds(Date.now() - began).padStart(8)}`);
process.exit(failed ?? 0);
