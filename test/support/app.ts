import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { Logger } from 'pino';
import { puenteApp, serverOptions } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { createServices, type ServiceOptions } from '../../server/services.ts';
import { SimulatorDriver } from '../../server/whatsapp/simulator.ts';
import { clusterUrl, freshDatabase } from './postgres.ts';

export const ADMIN = { username: 'admin', password: 'contraseña-de-prueba' };

export interface AppOptions extends ServiceOptions {
  logger?: FastifyServerOptions['logger'];
  /** The process's socket timeouts, as main.ts sets them (tests inject, so they need none). */
  timeouts?: Pick<FastifyServerOptions, 'connectionTimeout' | 'requestTimeout' | 'keepAliveTimeout'>;
  /** How often an open console socket's session is checked again (default 30 s). */
  liveRecheckMs?: number;
  /** Sees every route as it is registered (the fuzz test drives each one, new ones included). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * The server as main.ts makes it (same limits, same plugin), with the logger off unless asked;
 * not yet ready.
 */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ ...serverOptions(config), ...options.timeouts, logger: options.logger ?? false });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  const services = await createServices(config, app.log as Logger, { driver: options.driver, clock: options.clock, mediaFs: options.mediaFs, storageProbeMs: options.storageProbeMs });
  await app.register(puenteApp, { services, liveRecheckMs: options.liveRecheckMs });
  return app;
}

export interface TestApp {
  app: FastifyInstance;
  dataDir: string;
  /** Headers of a logged-in admin console session. */
  admin: { cookie: string };
  simulator: SimulatorDriver;
  close(): Promise<void>;
}

/**
 * A fresh service on its own SQLite file with the simulator driver, as `npm start` builds it.
 * Short send timeout and a fast drain keep tests quick; pass env to change any knob. Under
 * `npm run test:postgres` each app gets a fresh database on the throwaway cluster instead.
 */
export async function buildTestApp(env: Record<string, string> = {}, options: AppOptions & { dataDir?: string } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'puente-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    WHATSAPP_DRIVER: 'simulator',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    SEND_TIMEOUT_MS: '400',
    SEND_RATE_PER_MINUTE: '60000',
    ...(clusterUrl() ? { DATABASE_URL: await postgresFor(dataDir) } : {}),
    ...env,
  });
  const app = await buildApp(config, options);
  await app.ready();
  // The SLA outcome pass started with the lease writes in the background: tests begin after it.
  await app.puente.outcomes.idle();
  const cookie = await loginCookie(app, ADMIN.username, ADMIN.password);
  return {
    app,
    dataDir,
    admin: { cookie },
    simulator: app.puente.driver as SimulatorDriver,
    async close() {
      await app.close();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The data dir's PostgreSQL database, so a restart on the same dir finds the same data. */
async function postgresFor(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres-url');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  const url = await freshDatabase();
  fs.writeFileSync(file, url);
  return url;
}

export async function loginCookie(app: FastifyInstance, username: string, password: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const session = response.cookies.find((c) => c.name === 'puente_sesion');
  return `puente_sesion=${session!.value}`;
}

export async function createTicket(t: TestApp, body: Record<string, unknown> = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/tickets',
    headers: t.admin,
    payload: { phone: '+5214772758198', name: 'Juan Pérez', subject: 'Laptop no enciende', ...body },
  });
  if (response.statusCode !== 201) throw new Error(`ticket not created: ${response.body}`);
  return response.json() as { id: number; phone: string };
}

/** The simulator's link, as the phone sandbox sets it: `ready`, `disconnected` or `unresponsive`. */
export function setConnection(t: TestApp, state: string) {
  return t.app.inject({ method: 'POST', url: '/api/simulator/connection', headers: t.admin, payload: { state } });
}

export async function historyRows(t: TestApp, ticketId: number) {
  return t.app.puente.db.prisma.message.findMany({ where: { ticketId }, orderBy: { id: 'asc' } });
}

export { eventually } from './eventually.ts';
