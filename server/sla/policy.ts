import { createHash } from 'node:crypto';
import { PRIORITIES, type Priority } from '../contract/index.ts';
import { parseSchedule, type Schedule } from './schedule.ts';

/** The SLA targets in minutes per priority, and the business hours the clocks run in (null = always). */
export interface SlaPolicy {
  primeraRespuestaMin: Record<Priority, number>;
  resolucionMin: Record<Priority, number>;
  schedule: Schedule | null;
  /** SLA_ZONA_HORARIA: the zone of the business hours and of the statistics' calendar days. */
  zone: string;
}

export const DEFAULT_FIRST_RESPONSE_MIN: Record<Priority, number> = { urgente: 15, alta: 30, media: 120, baja: 480 };
export const DEFAULT_RESOLUTION_H: Record<Priority, number> = { urgente: 4, alta: 8, media: 24, baja: 72 };

/**
 * `alta=30,media=120` → the defaults with those priorities replaced. Throws a Spanish message
 * on an unknown priority or a value that is not a positive number.
 */
export function parseTargets(text: string, defaults: Record<Priority, number>): Record<Priority, number> {
  const targets = { ...defaults };
  for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, value] = pair.split('=').map((part) => part.trim());
    if (!PRIORITIES.includes(name as Priority)) throw new Error(`prioridad desconocida «${name}» (usa ${PRIORITIES.join(', ')})`);
    const amount = Number(value);
    if (!value || !Number.isFinite(amount) || amount <= 0) throw new Error(`«${pair}» necesita un número mayor que 0`);
    targets[name as Priority] = amount;
  }
  return targets;
}

const hoursToMinutes = (hours: Record<Priority, number>) =>
  Object.fromEntries(Object.entries(hours).map(([name, value]) => [name, value * 60])) as Record<Priority, number>;

export function buildPolicy(env: { firstResponseMin?: string; resolutionH?: string; hours?: string; zone: string }): SlaPolicy {
  return {
    primeraRespuestaMin: parseTargets(env.firstResponseMin ?? '', DEFAULT_FIRST_RESPONSE_MIN),
    resolucionMin: hoursToMinutes(parseTargets(env.resolutionH ?? '', DEFAULT_RESOLUTION_H)),
    schedule: env.hours ? parseSchedule(env.hours, env.zone) : null,
    zone: env.zone,
  };
}

/**
 * A short fingerprint of what the clocks are judged against (targets, business hours and their
 * zone): an outcome stored under other settings is computed again, never reused.
 */
export function policyKey(policy: SlaPolicy): string {
  const { primeraRespuestaMin, resolucionMin, schedule } = policy;
  return createHash('sha256').update(JSON.stringify({ primeraRespuestaMin, resolucionMin, schedule })).digest('base64url').slice(0, 16);
}
