import { describe, expect, it } from 'vitest';
import { FUNCTIONS, functionNames, type FunctionDefinition } from '../../system/functions.ts';
import { GATEWAY_ENV } from '../../system/payment-gateways.ts';
import { actionsOf, logicalId, sharedTestApp, statementsOfRole, type Statement } from './cdk-app.ts';

const kmsStatements = (statements: Statement[]) => statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:') || a.startsWith('secretsmanager:')));

describe('the secrets KMS key (issues 10 and 11)', () => {
  const dev = sharedTestApp({ stage: 'dev' });

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
    const purposeOf = (action: string) => statements.filter((s) => actionsOf(s).includes(action)).map((s) => s.Condition?.StringEquals?.['kms:EncryptionContext:purpose']);
    if (definition.usesGateway) {
      expect(actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(purposeOf('kms:GenerateDataKey')).toEqual(['billing-key']);
      // A payment function opens PG credentials and billing keys, never a webhook secret.
      expect(purposeOf('kms:Decrypt')).toEqual([['pg-credentials', 'billing-key']]);
      expect(variables[GATEWAY_ENV.kmsKeyId]).toBeDefined();
    } else if (definition.sealsPgCredentials) {
      expect(actions).toEqual(['kms:GenerateDataKey']);
      expect(purposeOf('kms:GenerateDataKey')).toEqual(['pg-credentials']);
    } else if (definition.webhookSecret === 'seal') {
      expect(actions).toEqual(['kms:GenerateDataKey']);
      expect(purposeOf('kms:GenerateDataKey')).toEqual(['webhook-secret']);
    } else if (definition.webhookSecret === 'open') {
      expect(actions).toEqual(['kms:Decrypt']);
      expect(purposeOf('kms:Decrypt')).toEqual(['webhook-secret']);
    } else {
      expect(actions).toEqual([]);
      expect(variables[GATEWAY_ENV.kmsKeyId]).toBeUndefined();
    }
  });

  it('grants decrypt to exactly the functions that call a PG, and the webhook delivery worker (its secrets only)', () => {
    const decrypting = functionNames.filter((name) =>
      kmsStatements(statementsOfRole(dev.serviceTemplate, logicalId(dev.service.functions[name].role))).some((s) => actionsOf(s).includes('kms:Decrypt')),
    );
    expect(decrypting.sort()).toEqual(['chargeWorker', 'checkOut', 'signUp', 'startCardChange', 'stopWorker', 'webhookDelivery']);
  });

  it('every statement is pinned to the {shop, purpose} context', () => {
    for (const name of functionNames) {
      for (const statement of kmsStatements(statementsOfRole(dev.serviceTemplate, logicalId(dev.service.functions[name].role)))) {
        expect(statement.Condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys']).toEqual(['shop', 'purpose']);
        expect(statement.Condition?.StringEquals?.['kms:EncryptionContext:purpose']).toBeDefined();
      }
    }
  });
});
