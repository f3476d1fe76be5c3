import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, functionNames, type FunctionDefinition } from '../../system/functions.ts';
import { GATEWAY_ENV } from '../../system/payment-gateways.ts';
import { ServiceFunction } from '../../lib/constructs/service-function.ts';
import { TEST_CONTEXT, actionsOf, buildTestApp, sharedTestApp, logicalId, statementsOfRole, type Statement } from './cdk-app.ts';

const definitions = functionNames.map((name) => [name, FUNCTIONS[name] as FunctionDefinition] as const);

/** The secret's ARN as the service stack sees it: imported from the stateful stack. */
const importedSecretArn = (statefulTemplate: Template) => {
  const secretId = Object.keys(statefulTemplate.findResources('AWS::SecretsManager::Secret'))[0]!;
  return Match.objectEquals({ 'Fn::ImportValue': Match.stringLikeRegexp(`^Subscriptions-dev-Stateful:ExportsOutputRef${secretId}`) });
};

/** Whether a template value is that import. */
const isSecretArn = (statefulTemplate: Template, value: unknown) => importedSecretArn(statefulTemplate).test(value).isSuccess;

const secretStatements = (statements: Statement[]) =>
  statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:')));

describe('PG credentials secret', () => {
  const dev = sharedTestApp({ stage: 'dev' });
  const prod = sharedTestApp({ stage: 'prod' });

  it('is one secret in the stateful stack, created as an empty JSON object, with no generated value', () => {
    const secrets = dev.statefulTemplate.findResources('AWS::SecretsManager::Secret');

    expect(Object.keys(secrets)).toEqual([logicalId(dev.stateful.pgCredentials)]);
    const { Properties } = Object.values(secrets)[0]!;
    expect(Properties.SecretString).toBe('{}');
    expect(Properties.GenerateSecretString).toBeUndefined();
    // Unnamed (a deleted name stays reserved during recovery) and on the AWS-managed key.
    expect(Properties.Name).toBeUndefined();
    expect(Properties.KmsKeyId).toBeUndefined();
    expect(Properties.Description).toContain('"tosspayments": {"secretKey"');
    dev.serviceTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('is retained outside dev and deleted with a dev stack', () => {
    prod.statefulTemplate.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    dev.statefulTemplate.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  it('outputs its ARN, where operators put the keys', () => {
    dev.statefulTemplate.hasOutput('PgCredentialsSecretArn', { Value: { Ref: logicalId(dev.stateful.pgCredentials) } });
  });

  it('acknowledges SMG4 (no rotation) on the secret, with the reason', () => {
    const acks = dev.stateful.pgCredentials.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    const reasons = acks.flatMap((entry) => Object.entries(entry.data as Record<string, string>));

    expect(reasons).toEqual([[expect.stringMatching(/AwsSolutions-SMG4$/), expect.stringContaining("merchant console")]]);
  });

  it.each(definitions)('%s may read it only if it usesGateway, with GetSecretValue on that secret alone', (name, definition) => {
    const fn = dev.service.functions[name];
    const statements = secretStatements(statementsOfRole(dev.serviceTemplate, logicalId(fn.role)));
    const variables = dev.serviceTemplate.findResources('AWS::Lambda::Function')[logicalId(fn.function)]!.Properties.Environment.Variables;

    if (!definition.usesGateway) {
      expect(statements).toEqual([]);
      expect(variables[GATEWAY_ENV.credentialsSecretArn]).toBeUndefined();
      return;
    }
    expect(statements).toEqual([{ Sid: 'PgCredentials', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: expect.anything() }]);
    expect(isSecretArn(dev.statefulTemplate, statements[0]!.Resource)).toBe(true);
    expect(isSecretArn(dev.statefulTemplate, variables[GATEWAY_ENV.credentialsSecretArn])).toBe(true);
  });
});

describe('ServiceFunction.bindGateway', () => {
  // A function marked usesGateway, whatever system/functions.ts marks today.
  const app = buildTestApp({ stage: 'dev' });
  const probe = new ServiceFunction(app.service, 'GatewayProbe', {
    name: 'chargeRun',
    definition: { ...FUNCTIONS.chargeRun, usesGateway: true },
    stage: 'dev',
    mailFrom: TEST_CONTEXT.mailFrom,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  });
  probe.bindGateway(app.stateful.pgCredentials);
  const template = app.serviceTemplate;

  it('grants exactly secretsmanager:GetSecretValue on the PG credentials secret, and nothing else on secrets or keys', () => {
    const statements = secretStatements(statementsOfRole(template, logicalId(probe.role)));

    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Sid: 'PgCredentials', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue' });
    expect(isSecretArn(app.statefulTemplate, statements[0]!.Resource)).toBe(true);
  });

  it('sets PG_CREDENTIALS_SECRET_ARN to that secret', () => {
    const variables = template.findResources('AWS::Lambda::Function')[logicalId(probe.function)]!.Properties.Environment.Variables;

    expect(isSecretArn(app.statefulTemplate, variables[GATEWAY_ENV.credentialsSecretArn])).toBe(true);
  });

  it('leaves every other function without access', () => {
    const others = functionNames.filter((name) => !(FUNCTIONS[name] as FunctionDefinition).usesGateway);

    for (const name of others) expect(secretStatements(statementsOfRole(template, logicalId(app.service.functions[name].role))), name).toEqual([]);
  });
});
