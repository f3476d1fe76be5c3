import { describe, expect, it } from 'vitest';
import { DESCRIPTIONS } from '../../system/function-descriptions.ts';

describe('function definitions', () => {
  it('have descriptions CloudFormation accepts for IAM roles (Latin-1 only)', () => {
    for (const [name, description] of Object.entries(DESCRIPTIONS)) {
      // CloudFormation's pattern for an IAM role description: tab, newline, CR, printable ASCII, Latin-1.
      const outside = [...description].filter((c) => !'\t\n\r'.includes(c) && (c < ' ' || (c > '~' && c < '\u00a1') || c > '\u00ff'));
      expect(outside, name).toEqual([]);
    }
  });
});
