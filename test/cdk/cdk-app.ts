/**
 * Builds the real app (the same `addSubscriptionsStacks` bin/app.ts calls)
 * with cdk.json's context plus test overrides, and without asset bundling:
 * `npm run synth` exercises esbuild; these tests check the templates.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { mkdtempSync } from 'node:fs';
import { inject } from 'vitest';
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
  maintenanceRunTimes: ['03:40'],
  apiRateLimit: 25,
  apiBurstLimit: 50,
} as const;

/**
 * This worker's assembly folder, inside the run's (test/cdk/global-setup.ts, which removes it): two workers
 * synthesizing the same stacks must not write the same template files at once.
 */
export const TEST_OUTDIR = mkdtempSync(join(inject('cdkOutdir'), 'worker-'));

export interface TestApp extends SubscriptionsStacks {
  readonly app: App;
  readonly config: AppConfig;
  readonly statefulTemplate: Template;
  readonly serviceTemplate: Template;
  /** The service's nested monitoring stack (alarms, dashboards, the alarm topic). */
  readonly monitoringTemplate: Template;
  readonly siteTemplate: Template;
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
  let site: Template | undefined;
  let monitoring: Template | undefined;
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
    get monitoringTemplate() {
      return (monitoring ??= Template.fromStack(stacks.service.monitoringStack));
    },
    get siteTemplate() {
      return (site ??= Template.fromStack(stacks.site));
    },
  };
}

const shared = new Map<string, TestApp>();

/**
 * The app for a context, synthesized once per worker and shared by every test (and test file: the CDK tests
 * run with isolate: false) that only reads it. A test that adds to the tree (validation plugins, aspects)
 * builds its own with buildTestApp.
 */
export function sharedTestApp(context: Record<string, unknown> = {}): TestApp {
  // One key per distinct app: a value equal to the test context's (`{ stage: 'dev' }`) is the default app's;
  // an undefined value removes a default from the context, so it must not share the key of the default app.
  const own = Object.entries(context).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify((TEST_CONTEXT as Record<string, unknown>)[name]) || !(name in TEST_CONTEXT));
  const key = JSON.stringify(Object.fromEntries(own.sort(([a], [b]) => a.localeCompare(b))), (_name, value: unknown) => (value === undefined ? '(undefined)' : value));
  let app = shared.get(key);
  if (!app) {
    app = buildTestApp(context);
    shared.set(key, app);
  }
  return app;
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
