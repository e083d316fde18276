/**
 * `npm run bench:insight`: statistics and the exports on 100 000 tickets and 1 000 000 messages.
 * Seeds a temporary SQLite file directly (minutes through the API), then times each request
 * through the real app (inject) with peak RSS, against a floor measured in the same run: one
 * full scan of the Message table (`SELECT COUNT(*) … WHERE role = 'tecnico'`), the least any
 * figure over all messages could cost. Figures to stdout; delete nothing of the repo.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../test/support/app.ts';
import { loadConfig } from '../server/config.ts';
import { databaseFile } from '../server/db/database.ts';
import { periodBounds } from '../server/insight/stats.ts';
import { countBreaches } from '../server/sla/breaches.ts';
import { buildPolicy, type SlaPolicy } from '../server/sla/policy.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const MESSAGES_PER_TICKET = 10;
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-28T12:00:00Z');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-bench-insight-'));
let file = '';
// Unique and in the numero alphabet (no 0 or 1): each decimal digit of the id as a letter.
// (padStart(8, '2') made ticket 2 and ticket 22 both TKT-22222222.)
const numero = (i: number) => `TKT-${[...String(i).padStart(8, '0')].map((d) => 'ABCDEFGHJK'[Number(d)]).join('')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

function seed() {
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

async function main() {
  const config = loadConfig({ DATA_DIR: dir, WHATSAPP_DRIVER: 'simulator', ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'contraseña-de-banco' });
  await (await buildApp(config)).close(); // creates the schema and the admin before the seed
  file = databaseFile(config.databaseUrl);
  const seedStart = performance.now();
  seed();
  process.stderr.write(`seeded ${TICKETS} tickets, ${TICKETS * MESSAGES_PER_TICKET} messages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);
  const app = await buildApp(config);
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'contraseña-de-banco' } });
  const cookie = `puente_sesion=${login.cookies.find((c) => c.name === 'puente_sesion')!.value}`;
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    return response;
  };
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // The SLA breach count: shown, so a run that skipped it cannot pass for one that did (the
  // first and the repeated request must agree).
  const figures = (body: { total: number; sla_incumplidos: { primera_respuesta: number; resolucion: number } }) =>
    `${body.total} tickets, SLA vencido ${body.sla_incumplidos.primera_respuesta} 1.ª resp. / ${body.sla_incumplidos.resolucion} resol.`;
  const direct = new Database(file, { readonly: true });
  // Calendar days of SLA_ZONA_HORARIA (America/Mexico_City by default), a few hours off UTC's.
  const thirtyDays = `/api/estadisticas?desde=${day(NOW - 29 * DAY)}&hasta=${day(NOW)}`;
  const year = `/api/estadisticas?desde=${day(NOW - 366 * DAY)}&hasta=${day(NOW)}`;
  const relaxed = buildPolicy({ firstResponseMin: 'baja=481', zone: config.sla.zone });
  const yearBounds = periodBounds({ desde: day(NOW - 366 * DAY), hasta: day(NOW) }, config.sla.zone, app.puente.db);
  const breachesOf = async (policy: SlaPolicy) => {
    const found = await countBreaches(app.puente.db, policy, yearBounds);
    return `SLA vencido ${found.primera_respuesta} 1.ª resp. / ${found.resolucion} resol.`;
  };

  const results = [
    await measure('floor: full scan of Message (COUNT tecnico)', async () => (direct.prepare(`SELECT COUNT(*) AS n FROM Message WHERE role = 'tecnico'`).get() as { n: number }).n),
    // First: no ticket has a stored SLA outcome yet, so each is computed through the table's
    // clock (as every request did before SlaOutcome) and stored. Again: only the stored rows are
    // read (the dashboard's polls). The year's first request finds the 30 days already stored.
    await measure('GET /api/estadisticas, last 30 days, first (computes and stores the outcomes)', async () => figures((await get(thirtyDays)).json())),
    await measure('GET /api/estadisticas, last 30 days, again (stored outcomes)', async () => figures((await get(thirtyDays)).json())),
    await measure('GET /api/estadisticas, whole year, first (computes and stores the other 11 months)', async () => figures((await get(year)).json())),
    await measure('GET /api/estadisticas, whole year, again (stored outcomes)', async () => figures((await get(year)).json())),
    // The breach count alone over the year, without HTTP and the other figures: under other
    // targets nothing stored applies, so every clock is computed (the walk every request made
    // before SlaOutcome, plus storing the results); then the count from the stored rows.
    await measure('breach count alone, whole year, other targets (computes and stores 100%)', async () => breachesOf(relaxed)),
    await measure('breach count alone, whole year, stored outcomes', async () => breachesOf(relaxed)),
    await measure('GET /api/exportes/tickets.csv, every ticket', async () => `${((await get('/api/exportes/tickets.csv')).rawPayload.length / 1_048_576).toFixed(1)} MB`),
    await measure('GET /api/exportes/tickets.xlsx, every ticket', async () => `${((await get('/api/exportes/tickets.xlsx')).rawPayload.length / 1_048_576).toFixed(1)} MB`),
  ];
  direct.close();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const floor = results[0]!.seconds;
  console.log(`Insight on ${TICKETS} tickets and ${TICKETS * MESSAGES_PER_TICKET} messages (SQLite, ${os.cpus().length} cores)\n`);
  console.log(`load average at the end: ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}\n`);
  console.log('| what | seconds | CPU s | × floor | peak RSS MB | RSS growth MB | result |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${(r.seconds / floor).toFixed(1)} | ${r.peakMb.toFixed(0)} | ${r.growthMb.toFixed(0)} | ${r.detail} |`);
  }
  console.log('\nNote: inject buffers the whole response body (the test client, not the server); RSS growth includes that buffer.');
}

await main();
