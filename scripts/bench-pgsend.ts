/**
 * `npm run bench:pgsend`: what one enviar-mensaje costs on PostgreSQL, counted rather than timed
 * (counts do not depend on the neighbours' load). On a throwaway durable cluster (fsync and
 * synchronous_commit on), the real service (buildApp, simulator driver, bearer token, in process
 * through inject): every query the process sends to PostgreSQL is counted by its text (Prisma's
 * adapter and the hot path share the `pg` module), WAL flushes from pg_stat_wal.wal_sync and commits
 * from pg_stat_database. First N replies one after the other, then M replies to the same chat from
 * C concurrent clients. Each figure is per reply, the `delivered` ack and everything else the
 * reply causes included (the run waits until every reply is `delivered`).
 * Env: PGSEND_SEQUENTIAL (40), PGSEND_CONCURRENT (160), PGSEND_CLIENTS (10).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../test/support/app.ts';
import { createDatabase, startCluster } from '../test/support/postgres.ts';
import { benchConfig } from './bench/config.ts';
import { createTicket } from '../server/tickets/tickets.ts';

const SEQUENTIAL = Number(process.env.PGSEND_SEQUENTIAL ?? 40);
const CONCURRENT = Number(process.env.PGSEND_CONCURRENT ?? 160);
const CLIENTS = Number(process.env.PGSEND_CLIENTS ?? 10);

const counts = new Map<string, number>();
let counting = false;
/** A statement's short name: its first words, parameters and quotes left out. */
const label = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/"/g, '')
    .trim()
    .slice(0, 70);
const SETTLE_POLL = `SELECT count(*)::int AS n FROM "Message" WHERE role = 'tecnico' AND delivery IS DISTINCT FROM 'delivered'`;
const isSettlePoll = (text: string) => text === label(SETTLE_POLL);
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) {
    const first = args[0];
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text ?? '?';
    counts.set(label(text), (counts.get(label(text)) ?? 0) + 1);
  }
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

async function main() {
  const cluster = await startCluster({ durable: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-pgsend-'));
  const stats = new pg.Client({ connectionString: cluster.url });
  try {
    const url = await createDatabase(cluster.url, `pgsend_${randomBytes(4).toString('hex')}`);
    const { admin, config } = benchConfig(dir, { DATABASE_URL: url });
    const app = await buildApp(config, { logger: false });
    await app.ready();
    const { db } = app.puente;
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: admin });
    const cookie = `puente_sesion=${login.cookies.find((c) => c.name === 'puente_sesion')!.value}`;
    const minted = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'bench' } });
    const token = (minted.json() as { token: string }).token;
    const ticket = await createTicket(db, { phone: '+5214771000000', name: 'Usuario', subject: 'Envío', historial: [] });
    await stats.connect();
    const dbName = new URL(url).pathname.slice(1);

    let n = 0;
    const reply = async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/ticket/${ticket.id}/enviar-mensaje`,
        headers: { authorization: `Bearer ${token}` },
        payload: { mensaje: `respuesta ${++n}` },
      });
      if (res.statusCode !== 200) throw new Error(`reply answered ${res.statusCode}: ${res.body}`);
    };
    const settled = async () => {
      for (let i = 0; i < 500; i++) {
        const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(SETTLE_POLL);
        if (row!.n === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('replies not delivered after 10 s');
    };
    const snapshot = async () => {
      const wal = (await stats.query('SELECT wal_sync, wal_records FROM pg_stat_wal')).rows[0] as { wal_sync: string; wal_records: string };
      const xact = (await stats.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [dbName])).rows[0] as { xact_commit: string };
      return { walSync: Number(wal.wal_sync), commits: Number(xact.xact_commit) };
    };
    const run = async (name: string, replies: number, clients: number) => {
      await settled();
      await new Promise((r) => setTimeout(r, 600)); // the stats collector's flush
      counts.clear();
      const before = await snapshot();
      counting = true;
      const started = performance.now();
      let left = replies;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (left > 0) {
            left--;
            await reply();
          }
        }),
      );
      const ms = performance.now() - started;
      await settled();
      counting = false;
      await new Promise((r) => setTimeout(r, 600));
      const after = await snapshot();
      const statements = [...counts.values()].reduce((a, b) => a + b, 0);
      console.log(`\n### ${name}: ${replies} replies to one chat, ${clients} client(s) at a time`);
      console.log(`| per reply | count |\n| --- | --- |`);
      console.log(`| WAL flushes (pg_stat_wal.wal_sync) | ${((after.walSync - before.walSync) / replies).toFixed(2)} |`);
      console.log(`| transactions committed (pg_stat_database.xact_commit, reads included) | ${((after.commits - before.commits) / replies).toFixed(2)} |`);
      console.log(`| round trips (queries sent by the process, the settle polls excluded) | ${((statements - settledPolls()) / replies).toFixed(2)} |`);
      console.log(`| wall ms per reply (load-dependent) | ${(ms / replies).toFixed(2)} |`);
      console.log(`\n| statement (first 70 characters) | per reply |\n| --- | --- |`);
      for (const [text, count] of [...counts].sort((a, b) => b[1] - a[1])) {
        if (isSettlePoll(text)) continue;
        console.log(`| \`${text.replace(/\|/g, '\\|')}\` | ${(count / replies).toFixed(2)} |`);
      }
    };
    const settledPolls = () => [...counts].filter(([text]) => isSettlePoll(text)).reduce((a, [, c]) => a + c, 0);

    for (let i = 0; i < 20; i++) await reply(); // warm-up: connections open, statements planned
    await run('One at a time', SEQUENTIAL, 1);
    await run('Concurrent', CONCURRENT, CLIENTS);
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`\nload average at the end: ${load}; ${new Date().toISOString()}`);
    await app.close();
  } finally {
    await stats.end().catch(() => {});
    cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
