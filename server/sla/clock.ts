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

export function evaluateClock(input: ClockInput): SlaClock {
  const end = (input.stop ?? input.now).getTime();
  const target = input.targetMin * 60_000;
  let left = target;
  let due: number | null = null;
  for (const [from, to] of runningSpans(input.start.getTime(), end, input.pauses)) {
    const spent = walkBusinessTime(from, to, Infinity, input.schedule).spent;
    if (due === null && spent >= left) due = walkBusinessTime(from, to, left, input.schedule).reached;
    left -= spent;
  }
  const pausado = !input.stop && input.pauses.some((pause) => pause.to === null);
  if (due === null && !input.stop && !pausado) due = walkBusinessTime(end, Infinity, left, input.schedule).reached;
  const restante_min = Math.floor(left / 60_000);
  const estado: SlaState = input.stop
    ? left >= 0 ? 'cumplido' : 'vencido'
    : left <= 0 ? 'vencido' : left < target * WARNING_SHARE ? 'aviso' : 'ok';
  return { vence: due === null || estado === 'cumplido' ? null : new Date(due).toISOString(), restante_min, estado, pausado };
}
