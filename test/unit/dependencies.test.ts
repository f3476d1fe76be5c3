/**
 * Issue 12: Powertools' packages share one @aws-lambda-powertools/commons (and one jmespath). idempotency and batch
 * are published up to 2.35 and pin their commons exactly, logger and metrics are at 2.36 (smaller bundles): the
 * `overrides` in package.json make every package use commons 2.36, so no bundle carries two copies (a nested copy
 * was ~4 KB of every idempotent route and SQS worker).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { version?: string }> };

describe('Powertools in package-lock.json', () => {
  it('installs each @aws-lambda-powertools package once, never nested under another', () => {
    const paths = Object.keys(lock.packages).filter((path) => path.includes('node_modules/@aws-lambda-powertools/'));
    expect(paths.length).toBeGreaterThanOrEqual(6);
    expect(paths.filter((path) => path.split('node_modules/').length > 2)).toEqual([]);
  });
});
