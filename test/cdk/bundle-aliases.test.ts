/**
 * The CDK construct spells the bundle aliases its own way (NodejsFunction's esbuildArgs `--alias`, system/bundling.ts
 * BUNDLE_ALIASES): an idempotent route bundled for real through it carries the plain-field stand-in for Powertools'
 * JMESPath engine (functions/http/jmespath-fields.ts), not the engine. test/integration/idempotency.test.ts runs the
 * route bundled with ESBUILD_OPTIONS, the other spelling.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../system/functions.ts';
import { ServiceFunction } from '../../lib/constructs/service-function.ts';
import { TEST_OUTDIR, logicalId } from './cdk-app.ts';

describe('bundle aliases', () => {
  it('an idempotent route deployed by the construct bundles the JMESPath stand-in, not the engine', () => {
    // Prepare: bundling on (buildTestApp turns it off), one idempotent route.
    const app = new App({ outdir: TEST_OUTDIR, context: { 'aws:cdk:bundling-stacks': ['**'], 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Aliased');
    const fn = new ServiceFunction(stack, 'createWebhook', { name: 'createWebhook', definition: FUNCTIONS.createWebhook, stage: 'dev', mailFrom: 'no-reply@example.com', logRemovalPolicy: RemovalPolicy.DESTROY });

    // Act
    const assembly = app.synth();

    // Assess
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Metadata?: Record<string, string> }> };
    const code = readFileSync(join(assembly.directory, template.Resources[logicalId(fn.function)]!.Metadata!['aws:asset:path']!, 'index.mjs'), 'utf8');
    expect(FUNCTIONS.createWebhook.idempotent).toBe(true);
    expect(code).toContain('is not a plain field name');
    // The engine's own function table (powertools_json, …) and parser errors are not in it.
    expect(code).not.toContain('powertools_json');
  });
});
