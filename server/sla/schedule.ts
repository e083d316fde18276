/**
 * Business hours: which spans of wall-clock time, in one IANA zone, the SLA clocks run in.
 * Local times are turned into instants through Intl, so a day on which the zone changes its
 * offset (DST) is as long as it really is.
 */
export interface Schedule {
  zone: string;
  /** Index 0 = Sunday … 6 = Saturday (as Date#getUTCDay); windows in minutes after local midnight. */
  days: [number, number][][];
}

const DAY_NAMES = ['dom', 'lun', 'mar', 'mie', 'jue', 'vie', 'sab'];

const fold = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

function parseDays(text: string): number[] {
  const days: number[] = [];
  for (const part of text.split(',')) {
    const [first, last = first] = part.split('-').map((name) => DAY_NAMES.indexOf(fold(name.trim())));
    if (first < 0 || last < 0) throw new Error(`día desconocido en «${part}» (usa dom, lun, mar, mie, jue, vie, sab)`);
    // A range may wrap the week ("sab-lun").
    for (let day = first; ; day = (day + 1) % 7) {
      days.push(day);
      if (day === last) break;
    }
  }
  return days;
}

function parseMinutes(text: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || minutes > 24 * 60) throw new Error(`hora inválida «${text}» (usa HH:MM)`);
  return minutes;
}

/** `lun-vie 08:00-18:00; sab 09:00-13:00` → a Schedule. Throws a Spanish message on a bad value. */
export function parseSchedule(text: string, zone: string): Schedule {
  const days: [number, number][][] = Array.from({ length: 7 }, () => []);
  for (const group of text.split(';').map((part) => part.trim()).filter(Boolean)) {
    const match = /^(\S+)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(group);
    if (!match) throw new Error(`«${group}» no tiene la forma «lun-vie 08:00-18:00»`);
    const [start, end] = [parseMinutes(match[2]), parseMinutes(match[3])];
    if (start >= end) throw new Error(`en «${group}» la hora de inicio debe ser anterior a la de fin`);
    for (const day of parseDays(match[1])) days[day].push([start, end]);
  }
  if (days.every((windows) => windows.length === 0)) throw new Error('no define ningún horario');
  for (const windows of days) windows.sort((a, b) => a[0] - b[0]);
  return { zone, days };
}

export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** The zone's wall clock at `instant`, written as if it were UTC (so plain UTC arithmetic applies). */
export function wallClock(instant: number, zone: string): number {
  const parts = Object.fromEntries(formatter(zone).formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

// Window edges repeat across the tickets of a page and across polls: remembered, as Intl is the cost.
const edges = new Map<string, number>();

/** The instant at which the zone's wall clock shows `wall` (a UTC-written local time). */
function instantOf(wall: number, zone: string): number {
  const key = `${zone} ${wall}`;
  let instant = edges.get(key);
  if (instant === undefined) {
    if (edges.size >= 100_000) edges.clear();
    edges.set(key, (instant = computeInstant(wall, zone)));
  }
  return instant;
}

function computeInstant(wall: number, zone: string): number {
  // Guess with the offset at the wall time read as UTC, then correct once with the offset at the
  // guess: exact except inside a DST gap, where it lands on the shifted side, as clocks do.
  const guess = wall - (wallClock(wall, zone) - wall);
  return wall - (wallClock(guess, zone) - guess);
}

const DAY_MS = 86_400_000;

/**
 * Walks the business windows from `from` to `to`, spending `budget` ms of business time.
 * Returns the instant the budget runs out (null if `to` comes first) and the business ms spent.
 */
export function walkBusinessTime(from: number, to: number, budget: number, schedule: Schedule | null): { reached: number | null; spent: number } {
  if (!schedule) {
    const span = Math.max(0, to - from);
    return budget <= span ? { reached: from + budget, spent: budget } : { reached: null, spent: span };
  }
  let spent = 0;
  const firstDay = Math.floor(wallClock(from, schedule.zone) / DAY_MS) * DAY_MS;
  for (let day = firstDay; ; day += DAY_MS) {
    for (const [startMin, endMin] of schedule.days[new Date(day).getUTCDay()]) {
      const start = Math.max(from, instantOf(day + startMin * 60_000, schedule.zone));
      if (start >= to) return { reached: null, spent };
      const end = Math.min(to, instantOf(day + endMin * 60_000, schedule.zone));
      if (end <= start) continue;
      if (spent + (end - start) >= budget) return { reached: start + (budget - spent), spent: budget };
      spent += end - start;
    }
  }
}

/** Business ms between two instants. */
export const businessMs = (from: number, to: number, schedule: Schedule | null) =>
  walkBusinessTime(from, to, Infinity, schedule).spent;

/** The calendar day (YYYY-MM-DD) the zone's wall clock shows at `instant`. */
export const localDay = (instant: number, zone: string) => new Date(wallClock(instant, zone)).toISOString().slice(0, 10);

/** The instant a calendar day (YYYY-MM-DD) begins in the zone: its local midnight, 23 or 25 h before the next on a DST day. */
export const startOfLocalDay = (day: string, zone: string) => computeInstant(Date.parse(`${day}T00:00:00Z`), zone);
