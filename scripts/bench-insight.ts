/**
 * `npm run bench:insight`: statistics and the exports on 100 000 tickets and 1 000 000 messages.
 * Seeds a temporary SQLite file directly (minutes through the API), starts the app (whose lease
 * holder backfills every stored SLA outcome: timed), then times each request through the real
 * app (inject), wall and this process's CPU, with peak RSS, against a floor measured in the same
 * run: one full scan of the Message table (`SELECT COUNT(*) … WHERE role = 'tecnico'`), the least
 * any figure over all messages could cost. BENCH_POSTGRES=1 runs the same on a throwaway
 * PostgreSQL cluster afterwards (=only: PostgreSQL alone); BENCH_EXPORTS=0 skips the exports.
 * Figures to stdout; delete nothing of the repo.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../test/support/app.ts';
import { loadConfig } from '../server/config.ts';
import { databaseFile } from '../server/db/database.ts';
import pg from 'pg';
import { createDatabase, startCluster, type Cluster } from '../test/support/postgres.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const MESSAGES_PER_TICKET = 10;
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-28T12:00:00Z');

// `npm run bench` passes BENCH_POSTGRES=off to skip its own PostgreSQL part: only 1/on/only run it here.
const POSTGRES = ['1', 'on', 'only'].includes(process.env.BENCH_POSTGRES ?? '') ? process.env.BENCH_POSTGRES : '';
const EXPORTS = process.env.BENCH_EXPORTS !== '0';
// Unique and in the numero alphabet (no 0 or 1): each decimal digit of the id as a letter.
// (padStart(8, '2') made ticket 2 and ticket 22 both TKT-22222222.)
const numero = (i: number) => `TKT-${[...String(i).padStart(8, '0')].map((d) => 'ABCDEFGHJK'[Number(d)]).join('')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

function seedSqlite(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const users = [2, 3, 4, 5, 6];
  const user = db.prepare(`INSERT INTO User (id, username, displayName, passwordHash, role) VALUES (?, ?, ?, 'x', 'tecnico')`);
  const ticket = db.prepare(`INSERT INTO Ticket (id, numero, phone, phoneKey, name, subject, status, priority, assigneeId, unread, lastMessageAt, resolvedAt, createdAt, updatedAt)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const message = db.prepare(`INSERT INTO Message (ticketId, role, content, timestamp, authorId, createdAt) VALUES (?, ?, ?, ?, ?, ?)`);
  const statuses = ['open', 'in_progress', 'on_hold', 'resolved', 'closed'];
  const priorities = ['baja', 'media', 'alta', 'urgente'];
  db.transaction(() => {
    for (const id of users) user.run(id, `tecnico${id}`, `Técnico ${id}`);
    for (let i = 1; i <= TICKETS; i++) {
      const created = NOW - Math.floor((i * 365 * DAY) / TICKETS); // a year of tickets
      const status = statuses[i % 5]!;
      const assignee = users[i % users.length]!;
      const resolved = status === 'resolved' || status === 'closed' ? iso(created + (i % 72) * 3_600_000) : null;
      const phone = `+52147700${String(i).padStart(5, '0')}`;
      ticket.run(i, numero(i), phone, phone.replace('+521', '+52'), `Usuario ${i}`, `Problema número ${i} con acentos ñ`, status, priorities[i % 4], assignee, i % 7 === 0 ? 2 : 0, iso(created), resolved, iso(created), iso(created));
      for (let m = 0; m < MESSAGES_PER_TICKET; m++) {
        const at = created + (m + 1) * 60_000 * (1 + (i % 13));
        const fromTech = m % 2 === 1;
        message.run(i, fromTech ? 'tecnico' : 'user', 'Mensaje de prueba', iso(at), fromTech ? assignee : null, iso(at));
      }
    }
  })();
  db.close();
}

async function measure(label: string, work: () => Promise<unknown>) {
  if (global.gc) global.gc();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const detail = await work();
  const seconds = (performance.now() - start) / 1000;
  // CPU of this process (SQLite runs in it): on a shared machine, the figure the neighbours do not inflate.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { label, seconds, cpuSeconds, peakMb: peak / 1_048_576, growthMb: (peak - before) / 1_048_576, detail };
}


/** The same rows as seedSqlite, written by PostgreSQL itself (generate_series), then analysed. */
async function seedPostgres(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The per-row version triggers (migration 20261130130000_versions) would bump the ticket and
    // the shared ChangeCounter row a million times in one transaction: the seed took over 40 min.
    // The seed is not a change anyone polls for; superuser on the throwaway cluster.
    await client.query(`SET session_replication_role = replica`);
    await client.query(`INSERT INTO "User" (id, username, "displayName", "passwordHash", role)
      SELECT u, 'tecnico' || u, 'Técnico ' || u, 'x', 'tecnico' FROM generate_series(2, 6) u`);
    await client.query(
      `INSERT INTO "Ticket" (id, numero, phone, "phoneKey", name, subject, status, priority, "assigneeId", unread, "lastMessageAt", "resolvedAt", "createdAt", "updatedAt")
      SELECT i, 'TKT-' || translate(lpad(i::text, 8, '0'), '0123456789', 'ABCDEFGHJK'),
        '+52147700' || lpad(i::text, 5, '0'), '+5247700' || lpad(i::text, 5, '0'), 'Usuario ' || i, 'Problema número ' || i || ' con acentos ñ',
        (ARRAY['open','in_progress','on_hold','resolved','closed'])[i % 5 + 1], (ARRAY['baja','media','alta','urgente'])[i % 4 + 1],
        2 + i % 5, CASE WHEN i % 7 = 0 THEN 2 ELSE 0 END,
        c, CASE WHEN i % 5 IN (3, 4) THEN c + (i % 72) * interval '1 hour' END, c, c
      FROM (SELECT i, to_timestamp(($1::numeric - floor(i::numeric * 365 * ${DAY} / $2)) / 1000.0) AT TIME ZONE 'UTC' AS c
        FROM generate_series(1, $2::int) i) s`,
      [NOW, TICKETS],
    );
    await client.query(`INSERT INTO "Message" ("ticketId", role, content, timestamp, "authorId", "createdAt")
      SELECT t.id, CASE WHEN m % 2 = 1 THEN 'tecnico' ELSE 'user' END, 'Mensaje de prueba',
        to_char(a, 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"'), CASE WHEN m % 2 = 1 THEN t."assigneeId" END, a
      FROM "Ticket" t CROSS JOIN generate_series(0, ${MESSAGES_PER_TICKET - 1}) m
      CROSS JOIN LATERAL (SELECT t."createdAt" + (m + 1) * (1 + t.id % 13) * interval '1 minute' AS a) x
      ORDER BY t.id, m`);
    for (const table of ['User', 'Ticket']) await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT max(id) FROM "${table}"))`);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

type Result = Awaited<ReturnType<typeof measure>>;

async function run(database: 'SQLite' | 'PostgreSQL', databaseUrl?: string): Promise<Result[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-bench-insight-'));
  const config = loadConfig({
    DATA_DIR: dir, WHATSAPP_DRIVER: 'simulator', ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'contraseña-de-banco',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  await (await buildApp(config)).close(); // creates the schema and the admin before the seed
  const seedStart = performance.now();
  if (databaseUrl) await seedPostgres(databaseUrl);
  else seedSqlite(databaseFile(config.databaseUrl));
  process.stderr.write(`${database}: seeded ${TICKETS} tickets, ${TICKETS * MESSAGES_PER_TICKET} messages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

  // No outcome is stored yet: the process that takes the lease computes all of them in the background.
  let app!: Awaited<ReturnType<typeof buildApp>>;
  const results: Result[] = [];
  results.push(
    await measure('start: app ready, then the background backfill of every SLA outcome', async () => {
      app = await buildApp(config);
      await app.ready();
      await app.puente.outcomes.idle();
      return `${app.puente.outcomes.computed} outcomes computed and stored`;
    }),
  );
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'contraseña-de-banco' } });
  const cookie = `puente_sesion=${login.cookies.find((c) => c.name === 'puente_sesion')!.value}`;
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    return response;
  };
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // The SLA breach count: shown, so a run that skipped it cannot pass for one that did.
  const figures = (body: { total: number; sla_incumplidos: { primera_respuesta: number; resolucion: number } }) =>
    `${body.total} tickets, SLA vencido ${body.sla_incumplidos.primera_respuesta} 1.ª resp. / ${body.sla_incumplidos.resolucion} resol.`;
  // Calendar days of SLA_ZONA_HORARIA (America/Mexico_City by default), a few hours off UTC's.
  const thirtyDays = `/api/estadisticas?desde=${day(NOW - 29 * DAY)}&hasta=${day(NOW)}`;
  const year = `/api/estadisticas?desde=${day(NOW - 366 * DAY)}&hasta=${day(NOW)}`;
  const floorSql = `SELECT COUNT(*) AS n FROM "Message" WHERE role = 'tecnico'`;
  const floor = async () => {
    if (!databaseUrl) {
      const direct = new Database(databaseFile(config.databaseUrl), { readonly: true });
      try {
        return (direct.prepare(floorSql).get() as { n: number }).n;
      } finally {
        direct.close();
      }
    }
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return Number((await client.query(floorSql)).rows[0].n);
    } finally {
      await client.end();
    }
  };
  results.push(
    await measure('floor: full scan of Message (COUNT tecnico)', floor),
    await measure('GET /api/estadisticas, last 30 days (after the backfill)', async () => figures((await get(thirtyDays)).json())),
    await measure('GET /api/estadisticas, last 30 days, again', async () => figures((await get(thirtyDays)).json())),
    await measure('GET /api/estadisticas, whole year (after the backfill)', async () => figures((await get(year)).json())),
    await measure('GET /api/estadisticas, whole year, again', async () => figures((await get(year)).json())),
  );
  if (EXPORTS) {
    results.push(
      await measure('GET /api/exportes/tickets.csv, every ticket', async () => `${((await get('/api/exportes/tickets.csv')).rawPayload.length / 1_048_576).toFixed(1)} MB`),
      await measure('GET /api/exportes/tickets.xlsx, every ticket', async () => `${((await get('/api/exportes/tickets.xlsx')).rawPayload.length / 1_048_576).toFixed(1)} MB`),
    );
  }
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return results;
}

function print(database: string, results: Result[]) {
  const floor = results.find((r) => r.label.startsWith('floor'))!.seconds;
  console.log(`\nInsight on ${TICKETS} tickets and ${TICKETS * MESSAGES_PER_TICKET} messages (${database}, ${os.cpus().length} cores)`);
  console.log(`load average at the end: ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}\n`);
  console.log('| what | seconds | CPU s (this process) | × floor | peak RSS MB | RSS growth MB | result |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${(r.seconds / floor).toFixed(1)} | ${r.peakMb.toFixed(0)} | ${r.growthMb.toFixed(0)} | ${r.detail} |`);
  }
}

async function main() {
  process.stderr.write(`load average at the start: ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}\n`);
  if (POSTGRES !== 'only') print('SQLite', await run('SQLite'));
  if (POSTGRES) {
    let cluster: Cluster | undefined;
    try {
      cluster = await startCluster({ durable: true });
      const results = await run('PostgreSQL', await createDatabase(cluster.url, 'puente_bench_insight'));
      // PostgreSQL's own CPU is spent in its server processes, not in the "CPU s" column.
      print('PostgreSQL, throwaway cluster with durable defaults; CPU s excludes the PostgreSQL server', results);
    } finally {
      cluster?.stop();
    }
  }
  console.log('\nNote: inject buffers the whole response body (the test client, not the server); RSS growth includes that buffer.');
}

await main();
