/** SMS measured in the units Amazon SNS bills (issue 14): GSM-7 160/153, UCS-2 70/67; and a domestic carrier's 90 EUC-KR bytes. */
import { describe, expect, it } from 'vitest';
import { domesticSmsChannel, snsSmsChannel, truncateToUnits } from '../../functions/notifications/sms-parts.ts';

describe('snsSmsChannel', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    // `€` and `[` take two septets each: 158 + 2 = 160 still fits, one more does not.
    [`${'a'.repeat(158)}€`, 'GSM-7', 160, 1],
    [`${'a'.repeat(158)}[a`, 'GSM-7', 161, 2],
    ['가'.repeat(70), 'UCS-2', 70, 1],
    ['가'.repeat(71), 'UCS-2', 71, 2],
    ['가'.repeat(134), 'UCS-2', 134, 2],
    ['가'.repeat(135), 'UCS-2', 135, 3],
    // One Korean character makes the whole text UCS-2; an emoji is two code units.
    [`${'a'.repeat(69)}가`, 'UCS-2', 70, 1],
    [`${'가'.repeat(69)}🙂`, 'UCS-2', 71, 2],
  ] as const)('%#: %s units as %s → %i units, %i part(s)', (text, encoding, units, parts) => {
    expect(snsSmsChannel.measure(text)).toMatchObject({ encoding, units, parts });
  });

  it('bills a 76-character Korean notice that passes the 90-byte rule as two SNS parts (the defect issue 14 measured)', () => {
    const text = `[Shop] 정기배송 ${'a'.repeat(59)} 12/1`;
    expect(text.length).toBe(76);
    expect(domesticSmsChannel.measure(text)).toMatchObject({ units: 80, parts: 1 });
    expect(snsSmsChannel.measure(text)).toMatchObject({ encoding: 'UCS-2', parts: 2 });
  });
});

describe('truncateToUnits', () => {
  it('cuts on a character boundary with an ellipsis, never splitting an emoji', () => {
    expect(truncateToUnits('원두 1kg', 100, snsSmsChannel, 'UCS-2')).toBe('원두 1kg');
    expect(truncateToUnits('🙂🙂🙂', 4, snsSmsChannel, 'UCS-2')).toBe('🙂…');
    expect(truncateToUnits('에티오피아 예가체프', 12, domesticSmsChannel, 'EUC-KR')).toBe('에티오피아…');
  });
});
