import { describe, expect, it } from 'vitest';
import { lineKey, normalizePhone, sameLine } from './phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['+52 1 477 275 8198', '+5214772758198'],
    ['5214772758198', '+5214772758198'],
    ['0034 600-123-456', '+34600123456'],
    ['+1 (415) 555-0100', '+14155550100'],
  ])('reads %j as %s', (input, e164) => expect(normalizePhone(input)).toBe(e164));

  it.each(['', 'hola', '+0123456789', '+12', '+1234567890123456'])('rejects %j', (input) =>
    expect(normalizePhone(input)).toBeNull(),
  );
});

describe('lineKey', () => {
  it('folds the Mexican +521 mobile form into +52', () => {
    expect(lineKey('+5214772758198')).toBe('+524772758198');
    expect(lineKey('+524772758198')).toBe('+524772758198');
  });

  it('folds the Argentine +549 mobile form into +54', () => {
    expect(lineKey('+5491123456789')).toBe(lineKey('+541123456789'));
  });

  it('leaves other countries and short Mexican landlines alone', () => {
    expect(lineKey('+14155550100')).toBe('+14155550100');
    expect(lineKey('+52155512345')).toBe('+52155512345');
  });
});

describe('sameLine', () => {
  it('matches a line however it is written, digits only included', () => {
    expect(sameLine('+52 1 477 123 4567', '524771234567')).toBe(true);
    expect(sameLine('+5491123456789', '+541123456789')).toBe(true);
    expect(sameLine('+524771234567', '+524771234568')).toBe(false);
  });
});
