/**
 * Where one POST /ticket/:id/enviar-mensaje spends its time, phase by phase, measured in this
 * process against the lab app's database with the same statements the service runs
 * (server/auth/accounts.ts, server/conversation/send.ts, server/delivery/outbox.ts,
 * server/whatsapp/simulator.ts). Each phase runs sequentially, after a warm-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { createApiToken, principalFromToken } from '../../server/auth/accounts.ts';
import { sqlTime } from '../../server/db/database.ts';
import { Replies } from '../../server/conversation/send.ts';
import type { Outbox } from '../../server/delivery/outbox.ts';
import { EventBus } from '../../server/events.ts';
import { createTicket } from '../../server/tickets/tickets.ts';
import { SimulatorDriver } from '../../server/whatsapp/simulator.ts';
import { openBaselineDb } from './baseline-db.ts';
import type { Lab } from './lab.ts';
import { profileShares } from './profile.ts';
import { phoneNumber } from './seed.ts';
import { mean, percentile, timeSequential } from './stats.ts';

export const PHASE_RUNS = 300;
const WARM = 30;

export interface Phase {
  name: string;
  meanUs: number;
  p99Us: number;
  /** fsyncs the phase causes, from the code: a WAL commit with synchronous=FULL syncs once. */
  fsyncs: number;
  onRequestPath: boolean;
}

export interface PhaseReport {
  phases: Phase[];
  references: Phase[];
  endToEndUs: { mean: number; p99: number };
  /** CPU samples of 200 whole sends (and their acks) by component. */
  cpu: { name: string; share: number }[];
}

export async function measurePhases(lab: Lab, dir: string, log: (line: string) => void): Promise<PhaseReport> {
  const { db } = lab.app.puente;
  const total = WARM + PHASE_RUNS;
  const phone = phoneNumber(9, 0);
  const ticket = await createTicket(db, { phone, subject: 'Fases' });
  const { token } = await createApiToken(db, 'bench-fases', lab.adminId);
  const stored: number[] = [];
  // Claims like an idle chat's first reply (stored already marked sending), sends nothing.
  const stubOutbox = {
    async handOff<T>(store: (claim: (m: { id: number }) => boolean) => Promise<T | null>, announce: (stored: T) => void) {
      const done = await store((m) => (stored.push(m.id), true));
      if (done) announce(done);
      return done && { stored: done, outcome: Promise.resolve({ kind: 'sent', waId: '' }) };
    },
  } as unknown as Outbox;
  const stubReplies = new Replies({ db, outbox: stubOutbox, events: new EventBus(), log: lab.app.log as Logger });
  const simDir = path.join(dir, 'phase-simulator');
  fs.mkdirSync(simDir, { recursive: true });
  const simulator = new SimulatorDriver(simDir);
  await simulator.connect();
  const waIds: string[] = [];

  const phases: Phase[] = [];
  const run = async (name: string, fsyncs: number, onRequestPath: boolean, work: (i: number) => unknown) => {
    log(`phases: ${name}`);
    const samples = await timeSequential(PHASE_RUNS, WARM, work);
    phases.push({ name, meanUs: mean(samples), p99Us: percentile(samples, 99), fsyncs, onRequestPath });
  };

  await run('auth: token lookup (sha256 + prepared SELECT)', 0, true, () => principalFromToken(db, token));
  await run('store: write txn (find ticket, insert, update ticket, mark sending; prepared)', 1, true, (i) =>
    stubReplies.send({ ticketId: ticket.id, text: `Fase ${i}: ya quedó tu equipo ✅`, author: { authorName: 'bench' } }),
  );
  const now = () => sqlTime(new Date());
  await run('outbox: re-read the row', 0, true, (i) => db.sql('SELECT * FROM Message WHERE id = ?').get(stored[i]));
  await run('behind a backlog only: mark sending (write txn)', 1, false, (i) =>
    db.writeNow(() =>
      db.sql("UPDATE Message SET delivery = 'sending', attempts = attempts + 1, attemptAt = ? WHERE id = ?").run(now(), stored[i]),
    ),
  );
  await run('simulator send: append record (write, no fsync)', 0, true, async (i) => {
    waIds.push((await simulator.send(phone, `Fase ${i}: ya quedó tu equipo ✅`, `puente-${stored[i]}`)).waId);
  });
  // Both commit without fsync, as the service's store does (server/messages/sqlite.ts).
  await run('outbox: mark sent (find waId + write txn, no fsync)', 0, true, async (i) => {
    db.sql('SELECT 1 FROM Message WHERE waId = ?').get(waIds[i]);
    await db.writeNow(
      () => db.sql("UPDATE Message SET delivery = 'sent', waId = ?, sentAt = ?, deliveryInfo = NULL WHERE id = ?").run(waIds[i], now(), stored[i]),
      { durable: false },
    );
  });
  await run('after reply: delivered ack (find + write txn, no fsync)', 0, false, async (i) => {
    db.sql('SELECT * FROM Message WHERE waId = ?').get(waIds[i]);
    await db.writeNow(() => db.sql('UPDATE Message SET delivery = ?, deliveryInfo = ? WHERE id = ?').run('delivered', null, stored[i]), {
      durable: false,
    });
  });
  if (stored.length < total) throw new Error('phases: fewer rows stored than iterations');

  const references: Phase[] = [];
  const reference = async (name: string, fsyncs: number, work: (i: number) => unknown) => {
    log(`phases: ${name}`);
    const samples = await timeSequential(PHASE_RUNS, WARM, work);
    references.push({ name, meanUs: mean(samples), p99Us: percentile(samples, 99), fsyncs, onRequestPath: false });
  };
  await reference('Prisma write txn with no statement (db.write)', 0, () => db.write(async () => null));
  const raw = openBaselineDb(path.join(dir, 'phases-raw.db'));
  try {
    raw.db.exec('CREATE TABLE IF NOT EXISTS ticket (id INTEGER PRIMARY KEY, phone TEXT NOT NULL, lastMessageAt TEXT)');
    raw.db.prepare('INSERT OR IGNORE INTO ticket (id, phone) VALUES (1, ?)').run(phone);
    const insert = raw.db.prepare(
      'INSERT INTO message (ticketId, role, content, timestamp, delivery, phone, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const findTicket = raw.db.prepare('SELECT * FROM ticket WHERE id = ?');
    const findMessage = raw.db.prepare('SELECT * FROM message WHERE id = ?');
    const touchTicket = raw.db.prepare('UPDATE ticket SET lastMessageAt = ? WHERE id = ?');
    const now = () => new Date().toISOString();
    await reference('raw better-sqlite3: 1 prepared INSERT (the baseline)', 1, (i) =>
      insert.run(1, 'tecnico', `Fase ${i}`, now(), 'queued', phone, now()),
    );
    await reference('raw better-sqlite3: SELECT one row by id (cf. "re-read the row")', 0, (i) => findMessage.get(i + 1));
    const storeRaw = raw.db.transaction((i: number) => {
      findTicket.get(1);
      insert.run(1, 'tecnico', `Fase ${i}`, now(), 'queued', phone, now());
      touchTicket.run(now(), 1);
    });
    await reference('raw better-sqlite3: the store txn\'s 3 statements', 1, (i) => storeRaw(i));
  } finally {
    raw.db.close();
  }

  log('phases: end to end in process (real outbox + simulator), then the same under the CPU profiler');
  const sendOne = (i: number) =>
    lab.app.puente.replies.send({ ticketId: ticket.id, text: `Completo ${i} 👍`, author: { authorName: 'bench' } });
  const e2e = await timeSequential(200, 20, sendOne);
  await lab.settle();
  const cpu = await profileShares(async () => {
    for (let i = 0; i < 200; i++) await sendOne(i);
    await lab.settle();
  });
  return { phases, references, endToEndUs: { mean: mean(e2e), p99: percentile(e2e, 99) }, cpu };
}
