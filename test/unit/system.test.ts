import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../system/functions.ts';

describe('function definitions', () => {
  it('have descriptions CloudFormation accepts for IAM roles (Latin-1 only)', () => {
    for (const [name, definition] of Object.entries(FUNCTIONS)) {
      // CloudFormation's pattern for an IAM role description: tab, newline, CR, printable ASCII, Latin-1.
      const outside = [...definition.description].filter((c) => !'\t\n\r'.includes(c) && (c < ' ' || (c > '~' && c < '\u00a1') || c > '\u00ff'));
      expect(outside, name).toEqual([]);
    }
  });
});
