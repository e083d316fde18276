import type { SlaClock, SlaState } from '../contract/index.ts';
import { walkBusinessTime, type Schedule } from './schedule.ts';

/**
 * One SLA clock (first response or resolution): runs from `start` in business time, except over
 * `pauses` (the ticket waiting on the end user, or already resolved), until `stop` or `now`.
 */
export interface ClockInput {
  start: Date;
  /** When the clock's goal was met (first reply, resolution); null while it still runs. */
  stop: Date | null;
  targetMin: number;
  /** Ordered, non-overlapping; `to: null` = still paused. */
  pauses: { from: Date; to: Date | null }[];
  now: Date;
  schedule: Schedule | null;
}

/** Less than this share of the target left turns the clock amber. */
export const WARNING_SHARE = 0.25;

/** The spans between start and end during which the clock runs. */
function runningSpans(start: number, end: number, pauses: ClockInput['pauses']): [number, number][] {
  const spans: [number, number][] = [];
  let cursor = start;
  for (const pause of pauses) {
    const from = pause.from.getTime();
    const to = pause.to?.getTime() ?? Infinity;
    if (to <= cursor || from >= end) continue;
    if (from > cursor) spans.push([cursor, from]);
    cursor = Math.max(cursor, to);
  }
  if (cursor < end) spans.push([cursor, end]);
  return spans;
}

/** Business time left (ms, negative once due) at the end, and when the target fell or falls due. */
function spentUntilEnd(input: ClockInput) {
  const end = (input.stop ?? input.now).getTime();
  const target = input.targetMin * 60_000;
  let left = target;
  let due: number | null = null;
  for (const [from, to] of runningSpans(input.start.getTime(), end, input.pauses)) {
    const spent = walkBusinessTime(from, to, Infinity, input.schedule).spent;
    if (due === null && spent >= left) due = walkBusinessTime(from, to, left, input.schedule).reached;
    left -= spent;
  }
  return { end, target, left, due };
}

/**
 * When a running clock next changes zone (ok → aviso, aviso → vencido), in ms; null when it
 * cannot change by time alone (met, paused, already vencido). A poll may answer 304 until then.
 */
export function nextZoneChange(input: ClockInput): number | null {
  if (input.stop || input.pauses.some((pause) => pause.to === null)) return null;
  const { end, target, left } = spentUntilEnd(input);
  if (left <= 0) return null;
  const warnAt = target * WARNING_SHARE;
  // The zone turns once `left` passes the threshold: a millisecond after reaching it.
  const step = left >= warnAt ? left - warnAt : left;
  const reached = walkBusinessTime(end, Infinity, step, input.schedule).reached;
  return reached === null ? null : reached + 1;
}

export function evaluateClock(input: ClockInput): SlaClock {
  const { end, target, due: reachedDue, left } = spentUntilEnd(input);
  let due = reachedDue;
  const pausado = !input.stop && input.pauses.some((pause) => pause.to === null);
  if (due === null && !input.stop && !pausado) due = walkBusinessTime(end, Infinity, left, input.schedule).reached;
  const restante_min = Math.floor(left / 60_000);
  const estado: SlaState = input.stop
    ? left >= 0 ? 'cumplido' : 'vencido'
    : left <= 0 ? 'vencido' : left < target * WARNING_SHARE ? 'aviso' : 'ok';
  return { vence: due === null || estado === 'cumplido' ? null : new Date(due).toISOString(), restante_min, estado, pausado };
}
