/**
 * One folder for every cloud assembly the CDK tests synthesize in this run, removed at the end: without an
 * outdir every App makes its own temporary folder and leaves it behind. Workers find it through `inject`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    cdkOutdir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const outdir = mkdtempSync(join(tmpdir(), 'subscriptions-cdk-test-'));
  project.provide('cdkOutdir', outdir);
  return () => rmSync(outdir, { recursive: true, force: true });
}
