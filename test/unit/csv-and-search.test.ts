/**
 * Issue 13, pure parts: the CSV cells of the orders export (RFC 4180, formula-injection guard, BOM) and the
 * merchant search's normalisation and index plan (an exact email or phone reads its own gsi4 partition).
 */
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../functions/http/csv.ts';
import { planList } from '../../functions/adapters/dynamodb/subscriptions-list.plan.ts';
import { contactKeys, matchesFilter, normaliseEmail, normalisePhone } from '../../functions/domain/subscription.ts';
import { aSubscription } from '../support/subscription-fixtures.ts';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['김민지', '김민지'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+82 10', "'+82 10"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    [68_000, '68000'],
    [null, ''],
    [undefined, ''],
  ] as const)('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('a file starts with the BOM and ends every line with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'x'], ['y', null]])).toBe('\uFEFFa,b\r\n1,x\r\ny,\r\n');
  });
});

describe('the merchant search by email or phone', () => {
  it.each([
    ['010-1234-5678', '01012345678'],
    ['01012345678', '01012345678'],
    ['+82 10 1234 5678', '01012345678'],
    ['+821012345678', '01012345678'],
  ])('phone %s → %s', (phone, normalised) => {
    expect(normalisePhone(phone)).toBe(normalised);
  });

  it('email: trimmed and lower case; the contact keys are both, normalised', () => {
    expect(normaliseEmail('  Buyer@Example.COM ')).toBe('buyer@example.com');
    expect(contactKeys({ contact: { email: 'Buyer@Example.com', phone: '010-1234-5678' } })).toEqual([{ kind: 'EMAIL', value: 'buyer@example.com' }, { kind: 'PHONE', value: '01012345678' }]);
    expect(contactKeys({})).toEqual([]);
  });

  it('an email or phone reads its contact partition of gsi4 (pointers resolved like line items); a customer id still comes first', () => {
    expect(planList('shop-a', { email: 'Buyer@Example.com', status: 'ACTIVE' })).toMatchObject({ partition: { index: 'gsi4', value: 'SHOP#shop-a#EMAIL#buyer@example.com' }, lineItems: true, rest: { status: 'ACTIVE' } });
    expect(planList('shop-a', { phone: '+82 10 1234 5678' })).toMatchObject({ partition: { index: 'gsi4', value: 'SHOP#shop-a#PHONE#01012345678' }, lineItems: true });
    expect(planList('shop-a', { email: 'a@b.kr', customerId: 'c-1' })).toMatchObject({ partition: { index: 'gsi2' }, rest: { email: 'a@b.kr' } });
  });

  it('a stale pointer never matches: the subscription item is the truth', () => {
    const subscription = aSubscription({ id: 'sub-1', contact: { email: 'now@example.com', phone: '010-9999-0000' } });
    expect(matchesFilter(subscription, { email: 'NOW@example.com' })).toBe(true);
    expect(matchesFilter(subscription, { email: 'before@example.com' })).toBe(false);
    expect(matchesFilter(subscription, { phone: '01099990000' })).toBe(true);
    expect(matchesFilter(subscription, { phone: '010-1111-2222' })).toBe(false);
  });
});
