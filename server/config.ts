import path from 'node:path';
import { z } from 'zod';
import { buildPolicy, DEFAULT_FIRST_RESPONSE_MIN, DEFAULT_RESOLUTION_H, parseTargets, type SlaPolicy } from './sla/policy.ts';
import { isValidZone, parseSchedule } from './sla/schedule.ts';

const flag = z
  .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'debe ser on u off' })
  .transform((value) => ['on', 'true', '1'].includes(value));

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: 'debe ser un número' }).int('debe ser entero').positive('debe ser mayor que 0').default(fallback);

/** A text the given parser accepts; its Spanish error becomes the variable's message. */
const parsedBy = (parse: (text: string) => unknown) =>
  z.string().superRefine((text, ctx) => {
    try {
      parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number({ error: 'debe ser un número' }).int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('data'),
  // file: is the embedded SQLite database; postgresql:// a PostgreSQL server (several processes).
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'debe empezar por file: o postgresql://')
    .optional(),
  SESSION_DIR: z.string().min(1).optional(),
  MEDIA_DIR: z.string().min(1).optional(),
  MEDIA_MAX_MB: positiveInt(5120),
  WHATSAPP_DRIVER: z.enum(['wwebjs', 'simulator'], { error: 'debe ser wwebjs o simulator' }).default('wwebjs'),
  CHROME_PATH: z.string().min(1).optional(),
  SEND_TIMEOUT_MS: positiveInt(15_000),
  SEND_RATE_PER_MINUTE: positiveInt(20),
  // How long the WhatsApp lease lasts unrenewed (PostgreSQL, several processes): a takeover after
  // the holder dies takes at most TTL + TTL/3, so the default keeps it within 20 s.
  LEASE_TTL_MS: z.coerce
    .number({ error: 'debe ser un número' })
    .int('debe ser entero')
    .min(300, 'debe ser al menos 300')
    .max(22_000, 'debe ser como mucho 22000 (la toma de la conexión debe caber en 30 s)')
    .default(15_000),
  // PostgreSQL: how long a version read for a 304 is remembered in process memory (server/db/versions.ts);
  // a write no live event announces shows on other processes' polls at most this late. 0: always read.
  VERSION_CACHE_MS: z.coerce.number({ error: 'debe ser un número' }).int('debe ser entero').min(0, 'no puede ser negativo').max(10_000, 'debe ser como mucho 10000').default(2000),
  // PostgreSQL: how long a console session read from the database is remembered in process memory
  // (server/auth/session-cache.ts); a session change nothing announced is seen at most this late. 0: always read.
  SESSION_CACHE_MS: z.coerce.number({ error: 'debe ser un número' }).int('debe ser entero').min(0, 'no puede ser negativo').max(300_000, 'debe ser como mucho 300000').default(30_000),
  AUTO_ACK: flag.default(true),
  REPORTS_PER_MINUTE: positiveInt(20),
  ADMIN_USERNAME: z.string().min(3, 'debe tener al menos 3 caracteres').optional(),
  ADMIN_PASSWORD: z.string().min(8, 'debe tener al menos 8 caracteres').optional(),
  SESSION_TTL_HOURS: positiveInt(12),
  SESSION_IDLE_MINUTES: positiveInt(30),
  AUDIT_RETENTION_DAYS: positiveInt(180),
  COOKIE_SECURE: flag.default(false),
  TRUST_PROXY: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_MESSAGE_CHARS: positiveInt(4096),
  CSAT: flag.default(false),
  CSAT_TEXTO: z
    .string()
    .trim()
    .min(1, 'no puede estar vacío')
    .default('¿Cómo calificarías la atención que recibiste? Responde con un número del 1 (mala) al 5 (excelente).'),
  SLA_PRIMERA_RESPUESTA_MIN: parsedBy((text) => parseTargets(text, DEFAULT_FIRST_RESPONSE_MIN)).optional(),
  SLA_RESOLUCION_H: parsedBy((text) => parseTargets(text, DEFAULT_RESOLUTION_H)).optional(),
  SLA_HORARIO: parsedBy((text) => parseSchedule(text, 'UTC')).optional(),
  SLA_ZONA_HORARIA: z.string().refine(isValidZone, 'no es una zona horaria IANA (p. ej. America/Mexico_City)').default('America/Mexico_City'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  dataDir: string;
  databaseUrl: string;
  sessionDir: string;
  /** Where attachments are stored by content (default DATA_DIR/media); never served as a folder. */
  mediaDir: string;
  sla: SlaPolicy;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Configuración inválida: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment once, at start; a bad value stops the start naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0]), issue.message);
  }
  const values = parsed.data;
  if (values.ADMIN_USERNAME && !values.ADMIN_PASSWORD) {
    throw new ConfigError('ADMIN_PASSWORD', 'falta: ADMIN_USERNAME necesita una contraseña');
  }
  const dataDir = path.resolve(values.DATA_DIR);
  return {
    ...values,
    dataDir,
    databaseUrl: values.DATABASE_URL ?? `file:${path.join(dataDir, 'puente.db')}`,
    sessionDir: path.resolve(values.SESSION_DIR ?? 'sessions'),
    mediaDir: path.resolve(values.MEDIA_DIR ?? path.join(dataDir, 'media')),
    sla: buildPolicy({
      firstResponseMin: values.SLA_PRIMERA_RESPUESTA_MIN,
      resolutionH: values.SLA_RESOLUCION_H,
      hours: values.SLA_HORARIO,
      zone: values.SLA_ZONA_HORARIA,
    }),
  };
}
