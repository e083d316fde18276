import { wallClock } from '../sla/schedule.ts';

// The exports show times as the help desk's clock on the wall showed them (SLA_ZONA_HORARIA),
// not UTC. Intl is the cost of that and an export asks it three times a row, so the zone's offset
// is remembered per quarter hour of UTC (every offset change of the tz database falls on one).
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetAt(instant: number, zone: string): number {
  const quarter = Math.floor(instant / QUARTER_MS) * QUARTER_MS;
  const key = `${zone} ${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, (offset = wallClock(quarter, zone) - quarter));
  }
  return offset;
}

/** The zone's wall time at `iso` as a Date whose UTC fields show it (what a spreadsheet cell displays). */
export function wallDate(iso: string, zone: string): Date | null {
  const instant = Date.parse(iso);
  return Number.isNaN(instant) ? null : new Date(instant + offsetAt(instant, zone));
}

/** `2026-03-02 04:05:06`: the zone's wall time at `iso` (text that is no date is returned as it is). */
export function localTime(iso: string, zone: string, seconds = true): string {
  const wall = wallDate(iso, zone);
  if (!wall) return iso;
  return wall.toISOString().slice(0, seconds ? 19 : 16).replace('T', ' ');
}
