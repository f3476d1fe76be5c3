import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, FUNCTIONS, functionNames, reservedConcurrencyOf, type FunctionDefinition, type FunctionName } from '../../system/functions.ts';
import { leadingKeysOf, TABLE_PARTITIONS } from '../../system/table-access.ts';
import { FUNCTION_DEFAULTS } from '../../lib/constructs/service-function.ts';
import { TEST_CONTEXT, actionsOf, sharedTestApp, logicalId, statementsOfRole, type Statement } from './cdk-app.ts';

const definitions = functionNames.map((name) => [name, FUNCTIONS[name] as FunctionDefinition] as const);

describe('functions', () => {
  const dev = sharedTestApp({ stage: 'dev' });
  const prod = sharedTestApp({ stage: 'prod' });
  const template = dev.serviceTemplate;

  it("creates one function per definition, and no other but the CDK's bucket-deployment handler (the pages' publishing)", () => {
    const all = Object.keys(template.findResources('AWS::Lambda::Function'));
    const ours = all.filter((id) => !id.startsWith('CustomCDKBucketDeployment'));
    expect(ours).toHaveLength(functionNames.length);
    expect(all.length - ours.length).toBe(1);
  });

  it.each(definitions)('%s runs Node.js 24 on arm64 with active tracing and its own settings', (name, definition) => {
    const fn = dev.service.functions[name];

    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Timeout: definition.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds,
      MemorySize: definition.memoryMb ?? FUNCTION_DEFAULTS.memoryMb,
      Role: { 'Fn::GetAtt': [logicalId(fn.role), 'Arn'] },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(fn.logGroup) } },
      Environment: {
        Variables: {
          [ENV.tableName]: 'subscriptions-dev',
          [ENV.mailFrom]: TEST_CONTEXT.mailFrom,
          [ENV.stage]: 'dev',
          [ENV.serviceName]: 'subscriptions',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('gives every function a log group kept one month, retained outside dev', () => {
    const devLogs = dev.serviceTemplate.findResources('AWS::Logs::LogGroup');
    const prodLogs = prod.serviceTemplate.findResources('AWS::Logs::LogGroup');

    for (const name of functionNames) {
      expect(devLogs[logicalId(dev.service.functions[name].logGroup)]).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 30 } });
      expect(prodLogs[logicalId(prod.service.functions[name].logGroup)]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
    }
  });

  it('gives function roles no managed policy, only their own log group for logs', () => {
    for (const name of functionNames) {
      const fn = dev.service.functions[name];
      const role = template.findResources('AWS::IAM::Role')[logicalId(fn.role)]!;
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();

      const logStatements = statementsOfRole(template, logicalId(fn.role)).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logStatements).toEqual([
        expect.objectContaining({ Resource: { 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] } }),
      ]);
    }
  });
});

describe('function IAM', () => {
  const { service, serviceTemplate: template } = sharedTestApp();
  const statementsOf = (name: (typeof functionNames)[number]): Statement[] => statementsOfRole(template, logicalId(service.functions[name].role));
  const tableArn = (suffix = '') => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:table/subscriptions-dev${suffix}`]],
  });

  it.each(definitions)('%s may use exactly its declared table actions', (name, definition) => {
    const statements = statementsOf(name);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:') && a.includes('*'))).toEqual([]);
    if (definition.tableActions.length === 0) {
      expect(dynamo).toEqual([]);
      return;
    }
    const onTable = dynamo.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource) === JSON.stringify(tableArn()));
    const partitions = leadingKeysOf(name as FunctionName);
    if (partitions && partitions.allow.length === 0) {
      // Index queries only (the daily-run dispatchers): no grant on the table's items at all.
      expect(onTable).toEqual([]);
    } else {
      expect(onTable).toHaveLength(1);
      expect(actionsOf(onTable[0]!).sort()).toEqual([...definition.tableActions].sort());
      // Issue 11: only the partitions the function declares (system/table-access.ts).
      expect(onTable[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions!.allow } });
    }
    const denied = dynamo.filter((s) => s.Effect === 'Deny');
    expect(denied.map((s) => s.Condition)).toEqual(partitions!.deny.length > 0 ? [{ 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['SHOP#*#CUST#*'] } }] : []);

    const onIndexes = dynamo.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn('/index/*')));
    if (definition.tableActions.includes('dynamodb:Query')) {
      expect(onIndexes.map(actionsOf)).toEqual([['dynamodb:Query']]);
    } else {
      expect(onIndexes).toEqual([]);
    }
    expect(dynamo).toHaveLength(onTable.length + denied.length + onIndexes.length);
  });

  it('every function declares its table partitions, and only the billing functions may reach a billing key', () => {
    expect(functionNames.filter((name) => TABLE_PARTITIONS[name] === undefined)).toEqual([]);
    const withBillingKeys = functionNames.filter((name) => leadingKeysOf(name)!.allow.includes('SHOP#*#CUST#*'));
    expect(withBillingKeys.sort()).toEqual(['chargeWorker', 'checkOut', 'getMyCard', 'retryCycle', 'stopWorker']);
    // The public functions reach no subscription and no billing key.
    for (const name of ['health', 'getPurchaseOptions', 'openApi'] as const) {
      const { allow, deny } = leadingKeysOf(name)!;
      expect(allow.filter((pattern) => pattern.startsWith('SUB#') || pattern.includes('#CUST#'))).toEqual([]);
      if (allow.some((pattern) => pattern.startsWith('SHOP#'))) expect(deny).toEqual(['SHOP#*#CUST#*']);
    }
  });

  it('reserves concurrency for the workers and runs, exactly what their event sources may use', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const reserved = Object.values(functions).filter((fn) => fn.Properties.ReservedConcurrentExecutions !== undefined).map((fn) => fn.Properties.ReservedConcurrentExecutions as number);
    const expected = functionNames.flatMap((name) => {
      const value = reservedConcurrencyOf(FUNCTIONS[name]);
      return value === undefined ? [] : [value];
    });
    expect(reserved.sort()).toEqual(expected.sort());
    expect(expected).toContain(FUNCTIONS.chargeWorker.queue.maxConcurrency);
  });

  it.each(definitions)("%s may send mail only if it declares 'mail', and only as mailFrom", (name, definition) => {
    const ses = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));

    if (!definition.sends.includes('mail')) {
      expect(ses).toEqual([]);
      return;
    }
    expect(ses).toHaveLength(1);
    const [statement] = ses;
    expect(statement).toMatchObject({ Effect: 'Allow', Condition: { StringEquals: { 'ses:FromAddress': TEST_CONTEXT.mailFrom } } });
    expect(actionsOf(statement!).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const resources = JSON.stringify(statement!.Resource);
    expect(resources).toContain(':identity/mail.shop.test"');
    expect(resources).toContain(`:identity/${TEST_CONTEXT.mailFrom}"`);
    expect(resources).not.toContain('*');
  });

  it.each(definitions)("%s may publish SMS only if it declares 'sms', and never to a topic", (name, definition) => {
    const sns = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));

    if (!definition.sends.includes('sms')) {
      expect(sns).toEqual([]);
      return;
    }
    expect(sns).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }),
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Resource: 'arn:*:sns:*:*:*' }),
      ]),
    );
    expect(sns).toHaveLength(2);
  });

  it("lets only scheduled runs report failures to the schedules' DLQ", () => {
    // Queue workers' own queues and DLQs are covered in queues.test.ts.
    const toRunsDlq = (s: Statement) => actionsOf(s).includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes('ExportsOutputFnGetAttDeadLetterQueue');
    for (const [name, definition] of definitions) {
      expect(statementsOf(name).filter(toRunsDlq).length > 0, name).toBe(definition.kind === 'scheduled');
    }
  });
});
