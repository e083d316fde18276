/**
 * One system under test in its own process, so it has a core to itself while autocannon drives
 * it from the parent: `app` (the real service, as `npm start` builds it) or `baseline` (a bare
 * Fastify route on one better-sqlite3 connection). Controlled by the parent over IPC; never
 * imported (the parent imports only its types).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import pg from 'pg';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../../test/support/app.ts';
import { benchConfig } from './config.ts';
import { databaseFile } from '../../server/db/database.ts';
import { createTicket } from '../../server/tickets/tickets.ts';
import type { SimulatorDriver } from '../../server/whatsapp/simulator.ts';
import { openBaselineDb, type Pragmas } from './baseline-db.ts';
import { BIG_HISTORY, LIST_TICKETS, phoneNumber, POLL_CHAT_ENTRIES, ROUND_ROBIN_TICKETS, seedEntries, type SeedEntry } from './seed.ts';

type Handlers = Record<string, (...args: never[]) => unknown>;

export interface AppInfo {
  port: number;
  token: string;
  cookie: string;
  sendTicket: number;
  roundRobinTickets: number[];
  bigTicket: number;
  pollTicket: number;
  /** SQLite only (null on PostgreSQL). */
  pragmas: Pragmas | null;
  /** What makes a commit durable here, read back from the database. */
  durability: string;
  seedMs: number;
}

export interface BaselineInfo {
  port: number;
  pragmas: Pragmas | null;
  durability: string;
  ticket: number;
}

/** PostgreSQL's durability settings as in force on this connection. */
async function postgresDurability(query: (text: string) => Promise<Record<string, string>[]>): Promise<string> {
  const names = ['fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes'];
  const values = [];
  for (const name of names) values.push(`${name}=${(await query(`SHOW ${name}`))[0]?.[name]}`);
  return values.join(' ');
}

async function startApp(dir: string, databaseUrl?: string): Promise<{ info: AppInfo; handlers: Handlers }> {
  const { admin, config } = benchConfig(dir, {
    // The session cache (PostgreSQL) as the parent was given it: SESSION_CACHE_MS=0 measures without it.
    ...(process.env.SESSION_CACHE_MS ? { SESSION_CACHE_MS: process.env.SESSION_CACHE_MS } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { db } = app.puente;

  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: admin });
  const session = login.cookies.find((c) => c.name === 'puente_sesion');
  if (login.statusCode !== 200 || !session) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const cookie = `puente_sesion=${session.value}`;
  const minted = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'bench' } });
  if (minted.statusCode !== 201) throw new Error(`token not created: ${minted.statusCode} ${minted.body}`);
  const token = (minted.json() as { token: string }).token;

  const ticket = (phone: string, subject: string, historial = seedEntries(0)) =>
    createTicket(db, { phone, name: 'Usuario de prueba', subject, historial }).then((t) => t.id);
  const sendTicket = await ticket(phoneNumber(1, 0), 'Envío (un chat)');
  const roundRobinTickets: number[] = [];
  for (let i = 1; i <= ROUND_ROBIN_TICKETS; i++) roundRobinTickets.push(await ticket(phoneNumber(1, i), `Envío (chat ${i})`));
  for (let i = 0; i < LIST_TICKETS; i++) await ticket(phoneNumber(2, i), `Ticket de relleno ${i}`);
  const pollTicket = await ticket(phoneNumber(3, 0), 'Chat abierto en la consola', seedEntries(POLL_CHAT_ENTRIES));
  const seedStart = performance.now();
  // Section 2 (the 10,000-entry history) runs on SQLite only: its seed writes the file directly.
  const bigTicket = db.dialect === 'sqlite' ? await seedBigTicket(app, ticket) : pollTicket;
  const seedMs = performance.now() - seedStart;
  const pragmas = db.dialect === 'sqlite' ? await appPragmas(app) : null;

  const info: AppInfo = {
    port: (app.server.address() as AddressInfo).port,
    token,
    cookie,
    sendTicket,
    roundRobinTickets,
    bigTicket,
    pollTicket,
    pragmas,
    durability: pragmas
      ? `journal_mode=${pragmas.journal_mode} synchronous=${pragmas.synchronous}`
      : await postgresDurability((text) => db.prisma.$queryRawUnsafe(text)),
    seedMs,
  };
  const simulator = app.puente.driver as SimulatorDriver;
  const handlers: Handlers = {
    stats: async () => {
      const rows = await db.prisma.$queryRawUnsafe<{ delivery: string | null; n: bigint | number }[]>(
        'SELECT delivery, COUNT(*) AS n FROM "Message" WHERE role = \'tecnico\' GROUP BY delivery',
      );
      return {
        tecnicoByDelivery: Object.fromEntries(rows.map((r) => [r.delivery ?? 'null', Number(r.n)])),
        simulatorSent: (await simulator.sent()).length,
        outboxPending: app.puente.outbox.pending(),
      };
    },
    cpu: () => process.cpuUsage(),
    stop: () => app.close(),
  };
  return { info, handlers };
}

/**
 * A ticket with BIG_HISTORY entries. The app's own createTicket writes the first 50 (through
 * Prisma that takes ~1 ms an entry); the rest go in one better-sqlite3 transaction on the same
 * file, copying the app's column formats from one of its own rows.
 */
async function seedBigTicket(app: FastifyInstance, ticket: (phone: string, subject: string, historial: SeedEntry[]) => Promise<number>) {
  const entries = seedEntries(BIG_HISTORY);
  const id = await ticket(phoneNumber(4, 0), `Chat de ${BIG_HISTORY} entradas`, entries.slice(0, 50));
  const raw = new Database(databaseFile(app.puente.config.databaseUrl));
  try {
    raw.pragma('busy_timeout = 5000');
    const model = raw.prepare('SELECT "createdAt" FROM "Message" WHERE "ticketId" = ? ORDER BY id LIMIT 1').get(id) as {
      createdAt: unknown;
    };
    const insert = raw.prepare(
      'INSERT INTO "Message" ("ticketId", "role", "content", "timestamp", "kind", "attempts", "createdAt") VALUES (?, ?, ?, ?, \'text\', 0, ?)',
    );
    raw.transaction(() => {
      for (const e of entries.slice(50)) insert.run(id, e.role, e.content, e.timestamp, model.createdAt);
    })();
  } finally {
    raw.close();
  }
  return id;
}

/**
 * Read back from both of the app's connections (Prisma's and the hot path's): what is in force,
 * not what was asked for. The weaker of the two is reported.
 */
async function appPragmas(app: FastifyInstance): Promise<Pragmas> {
  const { db } = app.puente;
  const [journal] = await db.prisma.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
  const [sync] = await db.prisma.$queryRawUnsafe<{ synchronous: bigint | number }[]>('PRAGMA synchronous');
  const hotJournal = (db.sql('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;
  const hotSync = (db.sql('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
  return {
    journal_mode: journal.journal_mode === hotJournal ? hotJournal : `${journal.journal_mode}+${hotJournal}`,
    synchronous: Math.min(Number(sync.synchronous), Number(hotSync)),
  };
}

const BASELINE_PHONE = '+5214772758198';

async function startBaseline(dir: string): Promise<{ info: BaselineInfo; handlers: Handlers }> {
  const { db, pragmas } = openBaselineDb(path.join(dir, 'baseline.db'));
  const insert = db.prepare(
    'INSERT INTO message (ticketId, role, content, timestamp, authorName, delivery, phone, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const columns = 'id, role, content, timestamp, kind, authorName, delivery';
  const last50 = db.prepare(
    `SELECT * FROM (SELECT ${columns} FROM message WHERE ticketId = ? ORDER BY id DESC LIMIT 50) ORDER BY id`,
  );
  const everything = db.prepare(`SELECT ${columns} FROM message WHERE ticketId = ? ORDER BY id`);
  const ticket = 1;
  db.transaction(() => {
    for (const e of seedEntries(BIG_HISTORY)) insert.run(ticket, e.role, e.content, e.timestamp, null, null, null, e.timestamp);
  })();

  const app = Fastify({ logger: false });
  app.post<{ Params: { id: string }; Body: { mensaje: string } }>('/ticket/:id/enviar-mensaje', async (request) => {
    const id = Number(request.params.id);
    const now = new Date().toISOString();
    insert.run(id, 'tecnico', request.body.mensaje, now, 'bench', 'sent', BASELINE_PHONE, now);
    return { status: 'enviado', ticket_id: id, telefono: BASELINE_PHONE, mensaje: 'Mensaje enviado correctamente' };
  });
  app.get<{ Params: { id: string }; Querystring: { todo?: string } }>('/ticket/:id/conversacion', async (request) => {
    const statement = request.query.todo ? everything : last50;
    return { historial: statement.all(Number(request.params.id)) };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const info: BaselineInfo = {
    port: (app.server.address() as AddressInfo).port,
    pragmas,
    durability: `journal_mode=${pragmas.journal_mode} synchronous=${pragmas.synchronous}`,
    ticket,
  };
  const handlers: Handlers = {
    cpu: () => process.cpuUsage(),
    stop: async () => {
      await app.close();
      db.close();
    },
  };
  return { info, handlers };
}

/**
 * The floor on PostgreSQL: the same bare Fastify route, one prepared INSERT per request on one
 * pg connection (autocommit: one commit, one WAL flush), on the app's cluster (its own table).
 */
async function startPostgresBaseline(databaseUrl: string): Promise<{ info: BaselineInfo; handlers: Handlers }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`CREATE TABLE IF NOT EXISTS bench_message (
    id SERIAL PRIMARY KEY, "ticketId" INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL,
    timestamp TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'text', "authorName" TEXT, delivery TEXT, phone TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL)`);
  await client.query('CREATE INDEX IF NOT EXISTS bench_message_ticket ON bench_message ("ticketId", id)');
  const insert = {
    name: 'bench_insert',
    text: 'INSERT INTO bench_message ("ticketId", role, content, timestamp, "authorName", delivery, phone, "createdAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
  };
  const app = Fastify({ logger: false });
  app.post<{ Params: { id: string }; Body: { mensaje: string } }>('/ticket/:id/enviar-mensaje', async (request) => {
    const id = Number(request.params.id);
    const now = new Date();
    await client.query({ ...insert, values: [id, 'tecnico', request.body.mensaje, now.toISOString(), 'bench', 'sent', BASELINE_PHONE, now] });
    return { status: 'enviado', ticket_id: id, telefono: BASELINE_PHONE, mensaje: 'Mensaje enviado correctamente' };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const durability = await postgresDurability(async (text) => (await client.query(text)).rows);
  const info: BaselineInfo = { port: (app.server.address() as AddressInfo).port, pragmas: null, durability, ticket: 1 };
  const handlers: Handlers = {
    cpu: () => process.cpuUsage(),
    stop: async () => {
      await app.close();
      await client.end();
    },
  };
  return { info, handlers };
}

async function main() {
  const [mode, dir, databaseUrl] = process.argv.slice(2);
  // The parent gone (crashed or killed) means nobody will stop us: go too. A Ctrl-C reaches the
  // whole process group; the parent answers it by stopping us in order, so we wait for that.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  const { info, handlers } =
    mode === 'app' ? await startApp(dir, databaseUrl) : databaseUrl ? await startPostgresBaseline(databaseUrl) : await startBaseline(dir);
  process.on('message', async (message: { id: number; method: string }) => {
    try {
      const result = await (handlers[message.method] as () => unknown)();
      process.send!({ id: message.id, result });
      if (message.method === 'stop') process.disconnect();
    } catch (err) {
      process.send!({ id: message.id, error: err instanceof Error ? err.stack : String(err) });
    }
  });
  process.send!({ ready: true, info });
}

if (process.send) {
  main().catch((err) => {
    process.send!({ ready: false, error: err instanceof Error ? err.stack : String(err) });
    process.exitCode = 1;
    process.disconnect();
  });
}
