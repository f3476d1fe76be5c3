/**
 * Composes the stacks for one stage. bin/app.ts and the CDK tests both call
 * this, so the tests check exactly what `cdk synth` produces.
 */
import { Tags, type App } from 'aws-cdk-lib';
import { namePrefix, type AppConfig } from './app-config.ts';
import { ServiceStack } from './service-stack.ts';
import { SiteStack } from './site-stack.ts';
import { StatefulStack } from './stateful-stack.ts';

export interface SubscriptionsStacks {
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
  readonly site: SiteStack;
}

/** Adds `<prefix>-Stateful`, `<prefix>-Site` and `<prefix>-Service` for `config.stage` to the app. */
export function addSubscriptionsStacks(app: App, config: AppConfig): SubscriptionsStacks {
  const prefix = namePrefix(config.stage);
  const schedulerRoleName = `${prefix}-scheduler`;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    description: `Subscriptions (${config.stage}): table, schedule group, dead-letter queues, work queues, event bus, secrets KMS key`,
    config,
    schedulerRoleName,
  });
  const site = new SiteStack(app, `${prefix}-Site`, {
    description: `Subscriptions (${config.stage}): the pages' static site (S3 behind CloudFront with origin access control)`,
    config,
  });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    description: `Subscriptions (${config.stage}): functions, HTTP API, schedules, queue consumers`,
    config,
    tableName: stateful.tableName,
    scheduleGroup: stateful.scheduleGroup,
    deadLetterQueue: stateful.deadLetterQueue,
    schedulerRoleName,
    secretsKey: stateful.secretsKey,
    workQueues: stateful.workQueues,
    eventBus: stateful.eventBus,
    site,
  });
  // The table and the site bucket are referenced by name, not by token, so state the order explicitly.
  service.addStackDependency(stateful, 'functions read and write the table');
  service.addStackDependency(site, 'the API allows the site origin, and the pages are published into its bucket');

  Tags.of(app).add('service', 'subscriptions');
  Tags.of(app).add('stage', config.stage);
  return { stateful, service, site };
}
