import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

const limits = { windowMs: 60_000, perPair: 3, perAddress: 6, perAccount: 4, accountDelayMs: 2_000 };

function throttle() {
  let now = 1_000_000;
  const t = new LoginThrottle(limits, () => now);
  return { t, advance: (ms: number) => (now += ms) };
}

describe('LoginThrottle', () => {
  it('refuses one account from one address after perPair failures, until the window slides', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 3; i++) {
      expect(t.check('ana', '10.0.0.1')).toEqual({ allowed: true, delayMs: 0 });
      t.failed('ana', '10.0.0.1');
      advance(10_000);
    }
    expect(t.check('ana', '10.0.0.1')).toEqual({ allowed: false, retryAfterS: 30 }); // first failure at 0 s, now 30 s
    expect(t.check('ANA ', '10.0.0.1').allowed).toBe(false); // the name as typed, case and spaces aside
    expect(t.check('ana', '10.0.0.2').allowed).toBe(true);
    expect(t.check('beto', '10.0.0.1').allowed).toBe(true);
    advance(30_001);
    expect(t.check('ana', '10.0.0.1').allowed).toBe(true);
  });

  it('forgives a pair its failures on success, but not the address or the account', () => {
    const { t } = throttle();
    for (let i = 0; i < 2; i++) t.failed('ana', '10.0.0.1');
    t.succeeded('ana', '10.0.0.1');
    for (let i = 0; i < 2; i++) t.failed('ana', '10.0.0.1');
    expect(t.check('ana', '10.0.0.1').allowed).toBe(true);
    for (let i = 0; i < 2; i++) t.failed('beto', '10.0.0.1');
    expect(t.check('carla', '10.0.0.1')).toMatchObject({ allowed: false }); // 6 from that address
  });

  it('slows an account attacked from many addresses without refusing its owner', () => {
    const { t } = throttle();
    for (let i = 0; i < 4; i++) t.failed('ana', `192.0.2.${i}`);
    expect(t.check('ana', '10.0.0.1')).toEqual({ allowed: true, delayMs: 2_000 });
    expect(t.check('beto', '10.0.0.1')).toEqual({ allowed: true, delayMs: 0 });
  });

  it('keeps memory bounded under a flood of names', () => {
    const { t } = throttle();
    for (let i = 0; i < 60_000; i++) t.failed(`nombre-${i}`, '10.0.0.1');
    expect(t.check('nombre-59999', '10.0.0.1').allowed).toBe(false);
  });
});
