import { describe, expect, it } from 'vitest';
import { IdleClock } from './sessions.ts';

const MINUTE = 60_000;

function clocks() {
  const c = { wall: 1_800_000_000_000, mono: 5_000 };
  const idle = new IdleClock(() => c.wall, () => c.mono);
  const pass = (ms: number) => ((c.wall += ms), (c.mono += ms));
  return { c, idle, pass };
}

describe('IdleClock: a wall-clock jump is not idleness', () => {
  it('without a jump it leaves the decision to the stored last-seen (null)', () => {
    const { idle, pass } = clocks();
    idle.saw('s');
    pass(40 * MINUTE);
    expect(idle.idleAcrossJump('s')).toBeNull();
    expect(idle.idleAcrossJump('never-seen')).toBeNull();
  });

  it('after a 3 h forward step it answers the monotonic idleness: seconds, not hours', () => {
    const { c, idle, pass } = clocks();
    idle.saw('s');
    pass(10_000);
    c.wall += 3 * 60 * MINUTE;
    expect(idle.idleAcrossJump('s')).toBe(10_000);
  });

  it('real idleness after the jump still counts: 40 monotonic minutes are 40 minutes', () => {
    const { c, idle, pass } = clocks();
    idle.saw('s');
    c.wall += 3 * 60 * MINUTE;
    pass(40 * MINUTE);
    expect(idle.idleAcrossJump('s')).toBe(40 * MINUTE);
  });

  it('a drift under a minute is no jump', () => {
    const { c, idle, pass } = clocks();
    idle.saw('s');
    pass(5 * MINUTE);
    c.wall += 50_000;
    expect(idle.idleAcrossJump('s')).toBeNull();
  });

  it('stays aware of the jump after the next request, while the stored last-seen may still be the old one', () => {
    const { c, idle, pass } = clocks();
    idle.saw('s');
    c.wall += 3 * 60 * MINUTE;
    idle.saw('s'); // the first request after the jump
    pass(1_000);
    expect(idle.idleAcrossJump('s')).toBe(1_000);
  });
});
