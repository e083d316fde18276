import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { evaluateClock, type ClockInput } from './clock.ts';
import { businessMs, parseSchedule } from './schedule.ts';

const at = (iso: string) => new Date(iso);
const MIN = 60_000;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A clock read at the fake "now", as the ticket list reads it. */
const clock = (input: Omit<ClockInput, 'now' | 'schedule'> & { schedule?: ClockInput['schedule'] }) =>
  evaluateClock({ schedule: null, ...input, now: new Date() });

describe('parseSchedule', () => {
  it('reads day ranges, lists, accents and a week-wrapping range', () => {
    const schedule = parseSchedule('lun-vie 08:00-18:00; sáb,dom 09:30-13:00', 'UTC');
    expect(schedule.days[1]).toEqual([[480, 1080]]);
    expect(schedule.days[6]).toEqual([[570, 780]]);
    expect(parseSchedule('vie-lun 00:00-24:00', 'UTC').days.map((w) => w.length)).toEqual([1, 1, 0, 0, 0, 1, 1]);
  });

  it.each(['lunes 08:00-18:00', 'lun-vie 8-18', 'lun 18:00-08:00', 'lun 08:00-25:00', ''])('rejects %j', (text) => {
    expect(() => parseSchedule(text, 'UTC')).toThrowError();
  });
});

describe('business time', () => {
  const weekdays = parseSchedule('lun-vie 08:00-18:00', 'America/Mexico_City'); // UTC-6 all year since 2022

  it('counts only the hours inside the schedule, in the schedule’s zone', () => {
    // Fri 2026-11-27 17:00 local (23:00Z) → Mon 2026-11-30 09:00 local (15:00Z): 1 h Friday + 1 h Monday.
    expect(businessMs(at('2026-11-27T23:00:00Z').getTime(), at('2026-11-30T15:00:00Z').getTime(), weekdays)).toBe(120 * MIN);
  });

  it('is as long as a DST day really is (New York, 2026-03-08 springs forward)', () => {
    const sundays = parseSchedule('dom 00:00-12:00', 'America/New_York');
    // 00:00 EST = 05:00Z, 12:00 EDT = 16:00Z: eleven hours of wall clock that shows twelve.
    expect(businessMs(at('2026-03-07T00:00:00Z').getTime(), at('2026-03-09T00:00:00Z').getTime(), sundays)).toBe(11 * 60 * MIN);
    // The week before, the same window is twelve hours.
    expect(businessMs(at('2026-02-28T00:00:00Z').getTime(), at('2026-03-02T00:00:00Z').getTime(), sundays)).toBe(12 * 60 * MIN);
  });
});

describe('evaluateClock', () => {
  it('runs, turns amber under 25 % left, then red, without business hours', () => {
    const start = at('2026-11-29T10:00:00Z');
    vi.setSystemTime(at('2026-11-29T10:30:00Z'));
    expect(clock({ start, stop: null, targetMin: 120, pauses: [] })).toEqual({
      vence: '2026-11-29T12:00:00.000Z', restante_min: 90, estado: 'ok', pausado: false,
    });
    vi.setSystemTime(at('2026-11-29T11:31:00Z'));
    expect(clock({ start, stop: null, targetMin: 120, pauses: [] })).toMatchObject({ restante_min: 29, estado: 'aviso' });
    vi.setSystemTime(at('2026-11-29T12:00:30Z'));
    expect(clock({ start, stop: null, targetMin: 120, pauses: [] })).toMatchObject({
      vence: '2026-11-29T12:00:00.000Z', restante_min: -1, estado: 'vencido',
    });
  });

  it('pauses while the ticket waits on the end user and resumes with the time it had left', () => {
    const start = at('2026-11-29T10:00:00Z');
    // 20 min running, then "En espera" from 10:20.
    vi.setSystemTime(at('2026-11-29T13:00:00Z'));
    const paused = clock({ start, stop: null, targetMin: 60, pauses: [{ from: at('2026-11-29T10:20:00Z'), to: null }] });
    expect(paused).toEqual({ vence: null, restante_min: 40, estado: 'ok', pausado: true });
    // Resumed at 14:00: 40 min left from then, so due at 14:40; at 14:35 it is amber.
    vi.setSystemTime(at('2026-11-29T14:35:00Z'));
    const pauses = [{ from: at('2026-11-29T10:20:00Z'), to: at('2026-11-29T14:00:00Z') }];
    expect(clock({ start, stop: null, targetMin: 60, pauses })).toEqual({
      vence: '2026-11-29T14:40:00.000Z', restante_min: 5, estado: 'aviso', pausado: false,
    });
  });

  it('is met when stopped in time and breached when stopped late, where it fell due', () => {
    const start = at('2026-11-29T10:00:00Z');
    vi.setSystemTime(at('2026-11-30T00:00:00Z'));
    expect(clock({ start, stop: at('2026-11-29T10:45:00Z'), targetMin: 60, pauses: [] })).toEqual({
      vence: null, restante_min: 15, estado: 'cumplido', pausado: false,
    });
    const pauses = [{ from: at('2026-11-29T10:30:00Z'), to: at('2026-11-29T11:00:00Z') }];
    expect(clock({ start, stop: at('2026-11-29T11:40:00Z'), targetMin: 60, pauses })).toEqual({
      vence: '2026-11-29T11:30:00.000Z', restante_min: -10, estado: 'vencido', pausado: false,
    });
  });

  it('runs only in business hours: Friday evening’s ticket falls due on Monday', () => {
    const schedule = parseSchedule('lun-vie 08:00-18:00', 'America/Mexico_City');
    // Created Fri 17:30 local (23:30Z), 120 min target: 30 min Friday, 90 min Monday from 08:00 → 09:30 local = 15:30Z.
    vi.setSystemTime(at('2026-11-28T20:00:00Z')); // Saturday: the clock stands still.
    const saturday = clock({ start: at('2026-11-27T23:30:00Z'), stop: null, targetMin: 120, pauses: [], schedule });
    expect(saturday).toEqual({ vence: '2026-11-30T15:30:00.000Z', restante_min: 90, estado: 'ok', pausado: false });
    vi.setSystemTime(at('2026-11-30T15:00:00Z'));
    expect(clock({ start: at('2026-11-27T23:30:00Z'), stop: null, targetMin: 120, pauses: [], schedule })).toMatchObject({
      restante_min: 30, estado: 'ok',
    });
  });

  it('finds the due time across the DST change (Madrid, 2026-03-29 loses 02:00–03:00)', () => {
    // Sunday 01:00 CET (00:00Z) to 05:00 CEST (03:00Z) is three hours, not four: a 200 min target
    // runs out 20 min into the next Sunday's window, 01:20 CEST on 2026-04-05 = 23:20Z on the 4th.
    const schedule = parseSchedule('dom 01:00-05:00', 'Europe/Madrid');
    vi.setSystemTime(at('2026-03-28T12:00:00Z'));
    expect(clock({ start: at('2026-03-28T12:00:00Z'), stop: null, targetMin: 200, pauses: [], schedule }).vence).toBe('2026-04-04T23:20:00.000Z');
    vi.setSystemTime(at('2026-03-29T04:00:00Z'));
    expect(clock({ start: at('2026-03-28T12:00:00Z'), stop: null, targetMin: 200, pauses: [], schedule })).toMatchObject({ restante_min: 20, estado: 'aviso' });
  });
});
