/**
 * The one way this app makes a Lambda function: Node.js 24 on ARM64, ESM
 * bundled locally by esbuild, X-Ray tracing, its own log group, and a role
 * that holds only what the function's definition in system/functions.ts
 * declares. Permissions are added through `bind*` helpers that grant access
 * and set the matching environment variable in one call.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { BUNDLED_FOLDERS, BUNDLING } from '../../system/bundling.ts';
import { ENV, reservedConcurrencyOf, type FunctionDefinition, type FunctionName, type QueueFunction } from '../../system/functions.ts';
import { GATEWAY_ENV, SEAL_CONTEXT_KEYS, type SealPurpose } from '../../system/payment-gateways.ts';
import { leadingKeysOf } from '../../system/table-access.ts';

/** The repository root, found from this file rather than the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What an API call may take; scheduled runs declare their own in system/functions.ts. */
export const FUNCTION_DEFAULTS = { timeoutSeconds: 10, memoryMb: 256 } as const;

/** Files the runtime reads beside its bundle (system/bundling.ts). */
export { BUNDLED_FOLDERS };

/**
 * The afterBundling commands that copy BUNDLED_FOLDERS. Node rather than
 * `cp`, so that local bundling works the same on Windows; a folder that does
 * not exist is an error, not an empty copy.
 */
export function copyBundledFolders(inputDir: string, outputDir: string): string[] {
  return Object.entries(BUNDLED_FOLDERS).map(([from, to]) => {
    const source = JSON.stringify(path.join(inputDir, from));
    const target = JSON.stringify(path.join(outputDir, to));
    return `node -e "require('node:fs').cpSync(process.argv[1], process.argv[2], { recursive: true, errorOnExist: false })" ${source} ${target}`;
  });
}

/** How a function may use the secrets key (see `ServiceFunction.bindSecrets`). */
export type SecretsAccess = 'open' | 'seal-pg-credentials' | 'seal-webhook-secret' | 'open-webhook-secret';

/** The secrets access a definition declares, or undefined for none (a function declares at most one). */
export function secretsAccessOf(definition: FunctionDefinition): SecretsAccess | undefined {
  const declared: SecretsAccess[] = [
    ...(definition.usesGateway ? (['open'] as const) : []),
    ...(definition.sealsPgCredentials ? (['seal-pg-credentials'] as const) : []),
    ...(definition.webhookSecret === 'seal' ? (['seal-webhook-secret'] as const) : []),
    ...(definition.webhookSecret === 'open' ? (['open-webhook-secret'] as const) : []),
  ];
  if (declared.length > 1) throw new Error(`A function declares one secrets access at most, not ${declared.join(' and ')}`);
  return declared[0];
}

export interface ServiceFunctionProps {
  /** The function's key in FUNCTIONS; becomes part of its logical id and description. */
  readonly name: FunctionName;
  readonly definition: FunctionDefinition;
  readonly stage: string;
  readonly mailFrom: string;
  /** RETAIN keeps logs when the stack is deleted (every stage but dev). */
  readonly logRemovalPolicy: RemovalPolicy;
  /** How long the function's logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Extra function options (e.g. async-invoke failure destination for scheduled runs). */
  readonly invokeConfig?: Pick<lambda.FunctionOptions, 'onFailure' | 'retryAttempts' | 'maxEventAge'>;
}

export class ServiceFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly definition: FunctionDefinition;
  readonly name: FunctionName;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;
    this.name = props.name;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });

    // An explicit role instead of the default one: the default attaches the
    // AWSLambdaBasicExecutionRole managed policy (logs:* on every log group);
    // this role may write to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name}: ${definition.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, definition.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: definition.description.slice(0, 256),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(definition.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds),
      memorySize: definition.memoryMb ?? FUNCTION_DEFAULTS.memoryMb,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      // Workers and runs keep their share of the account's concurrency, so an API flood cannot starve the charge and stop runs.
      reservedConcurrentExecutions: reservedConcurrencyOf(definition),
      environment: {
        [ENV.mailFrom]: props.mailFrom,
        [ENV.stage]: props.stage,
        [ENV.serviceName]: 'subscriptions',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // No Docker daemon on developer machines or CI: esbuild from devDependencies.
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        // system/bundling.ts: the same settings `npm run bench -- --cold` measures with.
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        minify: BUNDLING.minify,
        charset: nodejs.Charset.UTF8,
        target: BUNDLING.target,
        externalModules: [...BUNDLING.external],
        define: { ...BUNDLING.define },
        // NodejsFunction has no `alias` prop: esbuild's CLI flag, once per package (system/bundling.ts BUNDLE_ALIASES).
        esbuildArgs: { '--alias': Object.entries(BUNDLING.alias).map(([from, to]) => `${from}=${to}`) },
        sourceMap: true,
        sourcesContent: false,
        tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: copyBundledFolders,
        },
      },
      ...props.invokeConfig,
    });

    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their Resource must be "*".',
    });
  }

  /**
   * Grants exactly `actions` on the table, plus dynamodb:Query on its indexes
   * when the function queries (an index ARN accepts nothing but Query and
   * Scan, so the other actions would be dead weight there), and sets
   * TABLE_NAME. Never a broad read/write grant: the definition's tableActions
   * is the whole contract.
   */
  bindTable(table: dynamodb.ITableV2, actions: readonly string[] = this.definition.tableActions, leadingKeys = leadingKeysOf(this.name)): void {
    // Every handler reads TABLE_NAME at load (fail-fast config), even one with no table actions.
    this.function.addEnvironment(ENV.tableName, table.tableName);
    if (actions.length === 0) return;
    // Items of the table: only under the partitions the function declares (system/table-access.ts), never a
    // buyer's billing keys unless it declares them. A function that only queries indexes gets no table grant.
    if (leadingKeys === undefined || leadingKeys.allow.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'Table',
          actions: [...actions],
          resources: [table.tableArn],
          ...(leadingKeys ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys.allow } } } : {}),
        }),
      );
    }
    if (leadingKeys && leadingKeys.deny.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'NoBillingKeys',
          effect: iam.Effect.DENY,
          actions: [...actions],
          resources: [table.tableArn],
          conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': leadingKeys.deny } },
        }),
      );
    }
    const indexActions = actions.filter((action) => action === 'dynamodb:Query');
    if (indexActions.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'TableIndexes', actions: indexActions, resources: [`${table.tableArn}/index/*`] }),
      );
      Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
        // The finding names the resource the way cdk-nag flattens it; computed, not hand-written.
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(`${table.tableArn}/index/*`))}]`,
        reason: 'Query on the table\'s own indexes only (index/*): the access patterns in system/table.ts query several GSIs, and the grant is limited to dynamodb:Query.',
      });
    }
  }

  /**
   * Lets the function send mail through SES from `mailFrom` only: the identity
   * ARNs of the sender's domain and address, with ses:FromAddress pinned.
   */
  bindMail(mailFrom: string): void {
    const domain = mailFrom.slice(mailFrom.lastIndexOf('@') + 1);
    const stack = Stack.of(this);
    const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendMail',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [identity(domain), identity(mailFrom)],
        conditions: { StringEquals: { 'ses:FromAddress': mailFrom } },
      }),
    );
  }

  /**
   * Lets the function use the secrets KMS key and sets SECRETS_KMS_KEY_ID. Every grant is pinned to the
   * encryption context {shop, purpose} and to the purposes its mode names:
   * - `open` (functions that call a PG, `usesGateway`): kms:Decrypt of PG credentials and billing keys, and
   *   kms:GenerateDataKey for billing keys only (checkout seals the buyer's key). Never a webhook secret.
   * - `seal-pg-credentials` (the platform's contract writer, `sealsPgCredentials`): kms:GenerateDataKey for
   *   PG credentials only — it can write credentials and never read them back (write-only, issue 10).
   * - `seal-webhook-secret` (the route that registers a webhook endpoint): kms:GenerateDataKey for webhook
   *   secrets only; the secret is shown once in its answer and never read back.
   * - `open-webhook-secret` (the webhook delivery worker): kms:Decrypt of webhook secrets only.
   */
  bindSecrets(key: kms.IKey, access: SecretsAccess): void {
    this.function.addEnvironment(GATEWAY_ENV.kmsKeyId, key.keyArn);
    const contextKeys = { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...SEAL_CONTEXT_KEYS] }, Null: { 'kms:EncryptionContextKeys': 'false' } };
    const forPurposes = (...purposes: SealPurpose[]) => ({ ...contextKeys, StringEquals: { 'kms:EncryptionContext:purpose': purposes.length === 1 ? purposes[0]! : purposes } });
    const grant = (sid: string, action: 'kms:Decrypt' | 'kms:GenerateDataKey', ...purposes: SealPurpose[]) =>
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [action], resources: [key.keyArn], conditions: forPurposes(...purposes) }));
    switch (access) {
      case 'open':
        grant('OpenSecrets', 'kms:Decrypt', 'pg-credentials', 'billing-key');
        grant('SealBillingKeys', 'kms:GenerateDataKey', 'billing-key');
        break;
      case 'seal-pg-credentials':
        grant('SealPgCredentials', 'kms:GenerateDataKey', 'pg-credentials');
        break;
      case 'seal-webhook-secret':
        grant('SealWebhookSecrets', 'kms:GenerateDataKey', 'webhook-secret');
        break;
      case 'open-webhook-secret':
        grant('OpenWebhookSecrets', 'kms:Decrypt', 'webhook-secret');
        break;
    }
  }

  /**
   * Lets the function send SMS. Publishing to a phone number has no resource
   * ARN, so the Allow must name "*"; a Deny on every topic ARN in the same
   * policy keeps it from publishing anywhere but to phone numbers.
   */
  bindSms(): void {
    const policy = new iam.Policy(this, 'SmsPolicy', {
      statements: [
        new iam.PolicyStatement({ sid: 'SendSms', actions: ['sns:Publish'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoTopics', effect: iam.Effect.DENY, actions: ['sns:Publish'], resources: ['arn:*:sns:*:*:*'] }),
      ],
    });
    this.role.attachInlinePolicy(policy);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'SMS: sns:Publish to a phone number has no resource ARN, so Resource must be "*"; the Deny on arn:*:sns:*:*:* in the same policy rules out publishing to any topic.',
    });
  }

  /**
   * Lets a dispatcher put work on its worker's queue: sqs:SendMessage (which
   * also authorizes SendMessageBatch) on that queue only — no receive, no
   * delete, no other queue — and sets WORK_QUEUE_URL.
   */
  bindWorkQueue(queue: sqs.IQueue): void {
    this.function.addEnvironment(ENV.workQueueUrl, queue.queueUrl);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EnqueueWork', actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  }

  /**
   * Makes the function the consumer of its queue: an event source mapping
   * with the definition's batch size, batching window (when it has one) and MaximumConcurrency (how many workers
   * run at once, which is what keeps the PG and SES/SNS within their rates),
   * reporting failed messages one by one (ReportBatchItemFailures). Lambda's
   * poller acts with this role, which gets the receive/delete actions on this
   * queue only.
   */
  consumeQueue(queue: sqs.IQueue, settings: QueueFunction['queue']): void {
    this.function.addEventSource(
      new SqsEventSource(queue, {
        batchSize: settings.batchSize,
        maxConcurrency: settings.maxConcurrency,
        ...(settings.maxBatchingWindowSeconds !== undefined ? { maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds) } : {}),
        reportBatchItemFailures: true,
      }),
    );
  }

  /**
   * Lets the function publish to the event bus — events:PutEvents on that bus
   * only — and sets EVENT_BUS_NAME. For functions that send 'events'.
   */
  bindEvents(bus: events.IEventBus): void {
    this.function.addEnvironment(ENV.eventBusName, bus.eventBusName);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PublishEvents', actions: ['events:PutEvents'], resources: [bus.eventBusArn] }));
  }
}
