/**
 * CDK entry point (`cdk.json`: `tsx bin/app.ts`). Reads and validates the
 * context, adds the stacks for the stage, and runs cdk-nag's AwsSolutions
 * pack as a validation plugin: any finding that is not acknowledged, with a
 * reason, on the construct it concerns fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, readConfig } from '../lib/app-config.ts';
import { addSubscriptionsStacks } from '../lib/subscriptions-app.ts';

const app = new App();

let config;
try {
  config = readConfig(app.node);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

addSubscriptionsStacks(app, config);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
