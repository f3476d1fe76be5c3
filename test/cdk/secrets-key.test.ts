import { describe, expect, it } from 'vitest';
import { FUNCTIONS, functionNames, type FunctionDefinition } from '../../system/functions.ts';
import { GATEWAY_ENV } from '../../system/payment-gateways.ts';
import { actionsOf, buildTestApp, logicalId, statementsOfRole, type Statement } from './cdk-app.ts';

const kmsStatements = (statements: Statement[]) => statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:') || a.startsWith('secretsmanager:')));

describe('the secrets KMS key (issues 10 and 11)', () => {
  const dev = buildTestApp({ stage: 'dev' });

  it('is one key with rotation in the stateful stack, and no Secrets Manager secret is left', () => {
    dev.statefulTemplate.resourceCountIs('AWS::KMS::Key', 1);
    dev.statefulTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.statefulTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it.each(functionNames.map((name) => [name, FUNCTIONS[name] as FunctionDefinition] as const))('%s: kms:Decrypt only if it calls a PG; seals only what it declares', (name, definition) => {
    const fn = dev.service.functions[name];
    const statements = kmsStatements(statementsOfRole(dev.serviceTemplate, logicalId(fn.role)));
    const variables = dev.serviceTemplate.findResources('AWS::Lambda::Function')[logicalId(fn.function)]!.Properties.Environment.Variables;
    const actions = statements.flatMap(actionsOf).sort();
    if (definition.usesGateway) {
      expect(actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      const seal = statements.find((s) => actionsOf(s).includes('kms:GenerateDataKey'))!;
      expect(JSON.stringify(seal.Condition)).toContain('"kms:EncryptionContext:purpose":"billing-key"');
      expect(variables[GATEWAY_ENV.kmsKeyId]).toBeDefined();
    } else if (definition.sealsPgCredentials) {
      expect(actions).toEqual(['kms:GenerateDataKey']);
      expect(JSON.stringify(statements[0]!.Condition)).toContain('"kms:EncryptionContext:purpose":"pg-credentials"');
    } else {
      expect(actions).toEqual([]);
      expect(variables[GATEWAY_ENV.kmsKeyId]).toBeUndefined();
    }
  });

  it('grants decrypt to exactly the functions that call a PG', () => {
    const decrypting = functionNames.filter((name) =>
      kmsStatements(statementsOfRole(dev.serviceTemplate, logicalId(dev.service.functions[name].role))).some((s) => actionsOf(s).includes('kms:Decrypt')),
    );
    expect(decrypting.sort()).toEqual(['chargeWorker', 'checkOut', 'signUp', 'stopWorker']);
  });
});
