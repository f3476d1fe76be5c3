/**
 * The two views of a contract's credentials agree: the schemas that validate a
 * registration (pg-credentials.ts) and the field lists the charging functions
 * check an opened contract against (pg-credential-fields.ts, no schema library).
 */
import { describe, expect, it } from 'vitest';
import { credentialsProblem, CREDENTIAL_FIELDS, type ContractGateway } from '../../functions/domain/pg-credential-fields.ts';
import { PG_CREDENTIAL_SCHEMAS } from '../../functions/domain/pg-credentials.ts';
import { SAMPLE_CONTRACTS } from '../../local/sample-contracts.ts';

const gateways = Object.keys(CREDENTIAL_FIELDS) as ContractGateway[];

describe('contract credentials: schemas and fields', () => {
  it('name the same gateways and, for each, the same fields', () => {
    expect(Object.keys(PG_CREDENTIAL_SCHEMAS).sort()).toEqual([...gateways].sort());
    for (const gateway of gateways) expect(Object.keys(PG_CREDENTIAL_SCHEMAS[gateway].shape).sort(), gateway).toEqual([...CREDENTIAL_FIELDS[gateway]].sort());
  });

  it.each(gateways.filter((gateway) => gateway in SAMPLE_CONTRACTS))('%s: a registered sample passes both; a missing, empty or extra field fails the check, named without its value', (gateway) => {
    const sample = SAMPLE_CONTRACTS[gateway as keyof typeof SAMPLE_CONTRACTS] as Record<string, string>;
    expect(PG_CREDENTIAL_SCHEMAS[gateway].safeParse(sample).success).toBe(true);
    expect(credentialsProblem(gateway, sample)).toBeUndefined();
    const [first] = CREDENTIAL_FIELDS[gateway];
    const { [first]: value, ...without } = sample;
    expect(credentialsProblem(gateway, without)).toBe(`missing ${first}`);
    expect(credentialsProblem(gateway, { ...sample, [first]: '' })).toBe(`missing ${first}`);
    const extra = credentialsProblem(gateway, { ...sample, leaked: 'secret-value' });
    expect(extra).toBe('unexpected leaked');
    expect(extra).not.toContain(value);
    expect(credentialsProblem(gateway, 'not json')).toBe('not an object');
  });
});
