import { describe, expect, it } from 'vitest';
import { sameLine } from './phone.ts';

describe('sameLine', () => {
  it("treats Mexico's +52 1 and +52 mobile forms as one line", () => {
    expect(sameLine('+5214771234567', '+524771234567')).toBe(true);
    expect(sameLine('+52 1 477 123 4567', '+5214771234567')).toBe(true);
  });

  it('tells different numbers apart', () => {
    expect(sameLine('+5214771234567', '+5214771234568')).toBe(false);
  });
});
