/**
 * Everything stateless, generated from system/functions.ts: one function per
 * definition, the HTTP API over the HTTP ones, the schedules over the
 * scheduled ones, an SQS event source for each queue worker, and each
 * function's IAM from its declared table actions, outbound channels, the
 * queue it fills (`enqueuesFor`), payment-gateway use and the secrets key.
 */
import { CfnOutput, NestedStack, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { CHARGE_RETRY, FUNCTIONS, SCHEDULE_DEFAULTS, functionNames, runTimesEnvName, type FunctionDefinition, type FunctionName } from '../system/functions.ts';
import { isDisposable, namePrefix, type AppConfig } from './app-config.ts';
import { HttpApi, type ApiRoute } from './constructs/http-api.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { RUN_ASYNC_RETRY, RunSchedules, type ScheduledRun } from './constructs/run-schedules.ts';
import { ServiceFunction, secretsAccessOf } from './constructs/service-function.ts';
import { SiteContent } from './constructs/site-content.ts';
import type { WorkQueue } from './constructs/work-queue.ts';

export interface ServiceStackProps extends StackProps {
  readonly config: AppConfig;
  /** Physical name of the table (StatefulStack.tableName). */
  readonly tableName: string;
  readonly scheduleGroup: scheduler.IScheduleGroup;
  readonly deadLetterQueue: sqs.IQueue;
  /** Name for the role Scheduler assumes; the DLQ policy names the same role. */
  readonly schedulerRoleName: string;
  /** The KMS key sealing PG credentials and billing keys (StatefulStack.secretsKey); usable per system/functions.ts only. */
  readonly secretsKey: kms.IKey;
  /** Each queue worker's queue (StatefulStack.workQueues). */
  readonly workQueues: Readonly<Partial<Record<FunctionName, WorkQueue>>>;
  /** The bus functions that send 'events' publish to (StatefulStack.eventBus). */
  readonly eventBus: events.IEventBus;
  /** The pages' site: its origin is allowed by the API's CORS, and the pages are published to it with this API's URL. */
  readonly site: { readonly bucketName: string; readonly distribution: cloudfront.IDistribution; readonly origin: string };
}

export class ServiceStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  readonly api: HttpApi;
  readonly schedules: RunSchedules;
  readonly monitoring: Monitoring;
  /** The alarms and dashboards, in a nested stack of their own (see below). */
  readonly monitoringStack: NestedStack;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRemovalPolicy = isDisposable(config) ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const table = dynamodb.TableV2.fromTableName(this, 'Table', props.tableName);

    const functions = {} as Record<FunctionName, ServiceFunction>;
    const routes: ApiRoute[] = [];
    const runs: ScheduledRun[] = [];
    for (const name of functionNames) {
      const definition: FunctionDefinition = FUNCTIONS[name];
      const fn = new ServiceFunction(this, name, {
        name,
        definition,
        stage: config.stage,
        mailFrom: config.mailFrom,
        logRemovalPolicy,
        // A scheduled run is invoked asynchronously: a run that still fails after
        // Lambda's retries lands in the same DLQ as undeliverable schedules.
        invokeConfig:
          definition.kind === 'scheduled' ? { ...RUN_ASYNC_RETRY, onFailure: new SqsDestination(props.deadLetterQueue) } : undefined,
      });
      fn.bindTable(table);
      if (definition.sends.includes('mail')) fn.bindMail(config.mailFrom);
      if (definition.sends.includes('sms')) fn.bindSms();
      if (definition.sends.includes('events')) fn.bindEvents(props.eventBus);
      // kms:Decrypt only for the functions that call a PG (and webhook secrets for the delivery worker alone);
      // the platform's contract writer and the webhook registration may only seal.
      const secretsAccess = secretsAccessOf(definition);
      if (secretsAccess) fn.bindSecrets(props.secretsKey, secretsAccess);
      // The chargeWorker's retry schedule follows the charge runs' times: the same settings the schedules use
      // (and the REVIEW resolve, which finishes a cycle as the charge worker does).
      if (definition.kind === 'queue' || definition.readsChargeSettings) {
        for (const setting of Object.keys(SCHEDULE_DEFAULTS) as Array<keyof typeof SCHEDULE_DEFAULTS>) {
          fn.function.addEnvironment(runTimesEnvName(setting), config.runTimes[setting].join(','));
        }
        fn.function.addEnvironment(CHARGE_RETRY.env, String(config.chargeRetryDays));
      }
      // Dispatchers, the stop triggers and the stop worker: SendMessage on the one queue they feed, and its URL.
      if (definition.enqueuesFor !== undefined) fn.bindWorkQueue(workQueueOf(props.workQueues, definition.enqueuesFor, name).queue);
      functions[name] = fn;

      switch (definition.kind) {
        case 'http':
          routes.push({ name, definition, handler: fn.function });
          break;
        case 'scheduled':
          runs.push({ name, definition, handler: fn.function, times: config.runTimes[definition.timesSetting] });
          break;
        case 'queue':
          fn.consumeQueue(workQueueOf(props.workQueues, name, name).queue, definition.queue);
          break;
      }
    }
    this.functions = functions;

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${namePrefix(config.stage)}-api`,
      routes,
      jwtIssuer: config.jwtIssuer,
      jwtAudience: config.jwtAudience,
      corsOrigins: [...config.corsOrigins, props.site.origin],
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      publicRateLimit: config.publicRateLimit,
      publicBurstLimit: config.publicBurstLimit,
      logRemovalPolicy,
    });

    this.schedules = new RunSchedules(this, 'Runs', {
      runs,
      scheduleGroup: props.scheduleGroup,
      deadLetterQueue: props.deadLetterQueue,
      roleName: props.schedulerRoleName,
    });

    // Alarms and dashboards in a nested stack: two alarms per function (errors, throttles) on top of each
    // function's own seven resources took this stack past CloudFormation's 500 resources per stack (issue 13).
    this.monitoringStack = new NestedStack(this, 'MonitoringStack', { description: 'Alarms and dashboards of the subscriptions service' });
    this.monitoring = new Monitoring(this.monitoringStack, 'Monitoring', {
      name: namePrefix(config.stage),
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      api: this.api.api,
      functions: functionNames.map((name) => ({ name, function: functions[name].function })),
      queues: Object.entries(props.workQueues).map(([name, workQueue]) => ({ name, queue: workQueue.queue, deadLetterQueue: workQueue.deadLetterQueue })),
      schedulesDeadLetterQueue: props.deadLetterQueue,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'Every alarm notifies this topic (alarmEmail is subscribed to it)' });
    const pagesBucket = s3.Bucket.fromBucketName(this, 'PagesBucket', props.site.bucketName);
    new SiteContent(this, 'Pages', { bucket: pagesBucket, distribution: props.site.distribution, apiUrl: this.api.url });
  }
}

/** The queue of `worker`; a definition naming a worker without one is a mistake in system/functions.ts, caught at synth. */
function workQueueOf(workQueues: ServiceStackProps['workQueues'], worker: string, referencedBy: FunctionName): WorkQueue {
  const workQueue = workQueues[worker as FunctionName];
  if (!workQueue) throw new Error(`${referencedBy} refers to "${worker}", which is not a queue function in system/functions.ts`);
  return workQueue;
}
