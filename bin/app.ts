/**
 * CDK entry point (`cdk.json`: `tsx bin/app.ts`). Reads and validates the
 * context, adds the stacks for the stage, and runs cdk-nag's AwsSolutions
 * pack as a validation plugin: any finding that is not acknowledged, with a
 * reason, on the construct it concerns fails the synth (non-zero exit),
 * unless `-c nag=false` says it has been checked already.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, readConfig, type AppConfig } from '../lib/app-config.ts';
import { addSubscriptionsStacks } from '../lib/subscriptions-app.ts';

/** A bad setting ends the synth with one line naming it, not a stack trace. */
function configOrExit(app: App): AppConfig {
  try {
    return readConfig(app.node);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const app = new App();
addSubscriptionsStacks(app, configOrExit(app));
// cdk-nag v3 is a validation plugin; the v2 form `Aspects.of(app).add(new AwsSolutionsChecks())` no longer works.
// `-c nag=false` skips it: `npm test` does, in its final synth (which proves that every function bundles),
// because test/cdk/nag.test.ts has already run the same checks on both stages.
if (String(app.node.tryGetContext('nag') ?? 'true') !== 'false') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
