/**
 * Builds the real app (the same `addSubscriptionsStacks` bin/app.ts calls)
 * with cdk.json's context plus test overrides, and without asset bundling:
 * `npm run synth` exercises esbuild; these tests check the templates.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { readConfig, type AppConfig } from '../../lib/app-config.ts';
import { addSubscriptionsStacks, type SubscriptionsStacks } from '../../lib/subscriptions-app.ts';

/** Values distinct from cdk.json's, so a test proves the context is what is used. */
export const TEST_CONTEXT = {
  stage: 'dev',
  jwtIssuer: 'https://issuer.shop.test/',
  jwtAudience: ['subscriptions-api', 'merchant-console'],
  corsOrigins: ['https://console.shop.test', 'https://www.shop.test'],
  alarmEmail: 'oncall@shop.test',
  mailFrom: 'billing@mail.shop.test',
  noticeRunTimes: ['07:30'],
  chargeRunTimes: ['09:05', '18:45'],
  apiRateLimit: 25,
  apiBurstLimit: 50,
} as const;

/**
 * One assembly folder per test file, removed after it: without an
 * outdir every App makes its own temporary folder and leaves it behind.
 */
export const TEST_OUTDIR = mkdtempSync(join(tmpdir(), 'subscriptions-cdk-test-'));
// Registered while the importing test file is collected, so it runs after that file.
afterAll(() => rmSync(TEST_OUTDIR, { recursive: true, force: true }));

export interface TestApp extends SubscriptionsStacks {
  readonly app: App;
  readonly config: AppConfig;
  readonly statefulTemplate: Template;
  readonly serviceTemplate: Template;
}

export function buildTestApp(context: Record<string, unknown> = {}): TestApp {
  const app = new App({
    outdir: TEST_OUTDIR,
    context: { ...cdkJson.context, ...TEST_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const config = readConfig(app.node);
  const stacks = addSubscriptionsStacks(app, config);
  // Lazy: synthesis freezes the tree, and a test may still add to it (or add validation plugins) first.
  let stateful: Template | undefined;
  let service: Template | undefined;
  return {
    app,
    config,
    ...stacks,
    get statefulTemplate() {
      return (stateful ??= Template.fromStack(stacks.stateful));
    },
    get serviceTemplate() {
      return (service ??= Template.fromStack(stacks.service));
    },
  };
}

/** The template's logical id of a construct (or of its default CfnResource child). */
export function logicalId(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  return Stack.of(resource).getLogicalId(resource);
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every statement of every AWS::IAM::Policy attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}
