/**
 * The notification templates are files read at run time from beside the
 * bundle (functions/notifications/templates.ts), so the bundle must carry
 * them. This test bundles a queue worker for real (esbuild, a second or two)
 * and looks into the asset.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../system/functions.ts';
import { BUNDLED_FOLDERS, REPO_ROOT, ServiceFunction } from '../../lib/constructs/service-function.ts';
import { TEST_OUTDIR, logicalId } from './cdk-app.ts';

describe('bundling', () => {
  it('copies the notification templates beside index.mjs of the worker that renders them', () => {
    // Prepare: bundling on (buildTestApp turns it off), one function.
    const app = new App({ outdir: TEST_OUTDIR, context: { 'aws:cdk:bundling-stacks': ['**'], 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Bundled');
    const fn = new ServiceFunction(stack, 'noticeWorker', {
      name: 'noticeWorker',
      definition: FUNCTIONS.noticeWorker,
      stage: 'dev',
      mailFrom: 'no-reply@example.com',
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });

    // Act
    const assembly = app.synth();

    // Assess
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Metadata?: Record<string, string> }> };
    const assetPath = template.Resources[logicalId(fn.function)]!.Metadata!['aws:asset:path']!;
    const assetDir = join(assembly.directory, assetPath);
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    for (const [from, to] of Object.entries(BUNDLED_FOLDERS)) {
      const source = join(REPO_ROOT, from);
      const expected = readdirSync(source).sort();
      expect(readdirSync(join(assetDir, to)).sort()).toEqual(expected);
      for (const file of expected) expect(readFileSync(join(assetDir, to, file), 'utf8')).toBe(readFileSync(join(source, file), 'utf8'));
    }
  });
});
