import { timeFor, type Db, type Statement } from '../db/database.ts';
import { NEW_PHONE, type PhoneState, type SentRecord, type SimulatedPhone, type SimulatorMode } from './simulator-phone.ts';

const INSERT_SENT: Statement = {
  sqlite: 'INSERT INTO SimulatorSent (waId, "to", body, at, clientRef, media) VALUES (:waId, :to, :body, :at, :clientRef, :media)',
  postgres: 'INSERT INTO "SimulatorSent" ("waId", "to", body, at, "clientRef", media) VALUES (:waId, :to, :body, :at, :clientRef, :media)',
};

/**
 * Several processes on one PostgreSQL stand for one phone: its record and its state are rows of
 * the shared database, so every process answers /api/simulator/* the same and a takeover finds
 * the phone as it was. `changed` tells the other processes (LISTEN/NOTIFY) that the state moved.
 */
export class DbPhone implements SimulatedPhone {
  constructor(
    private readonly db: Db,
    private readonly changed: () => Promise<void> = async () => undefined,
  ) {}

  /**
   * One INSERT, committed before the send returns. Not through Prisma: on the send path its query
   * compiler costs more than the write itself (issue 12). On PostgreSQL the commit does not wait
   * for its WAL flush, as the file record on SQLite is appended without fsync: the phone stands in
   * for WhatsApp's servers, which are not on this machine; what it must survive is a service
   * process dying (a committed row is there for every process at once), not a crash of the
   * database server. Such a crash would lose the line with everything written after it (the WAL
   * is one sequence), the row's `sent` mark included: the reply is `sending` again, not found on
   * the phone, and sent once.
   */
  async record(record: SentRecord) {
    const { id, media, at, to, body, clientRef } = record;
    const params = { waId: id, to, body, at: timeFor(this.db, new Date(at)), clientRef, media: media ? JSON.stringify(media) : null };
    if (this.db.dialect !== 'postgres') return this.db.run(INSERT_SENT, params);
    await this.db.pgWrite(async (sql) => void (await sql(INSERT_SENT.postgres, params)), { single: true, durable: false });
  }

  async records(): Promise<SentRecord[]> {
    const rows = await this.db.prisma.simulatorSent.findMany({ orderBy: { seq: 'asc' } });
    return rows.map(({ waId, to, body, at, clientRef, media }) => ({
      to,
      body,
      id: waId,
      at: at.toISOString(),
      clientRef,
      ...(media ? { media: JSON.parse(media) } : {}),
    }));
  }

  async load(): Promise<PhoneState> {
    const row = await this.db.prisma.simulatorPhone.findUnique({ where: { id: 1 } });
    return row ? { mode: row.mode as SimulatorMode, withoutWhatsApp: JSON.parse(row.withoutWhatsApp) } : NEW_PHONE;
  }

  /** Read and written in one transaction of this process; two processes changing it at once may race (a demo tool). */
  async change(apply: (state: PhoneState) => PhoneState): Promise<PhoneState> {
    const next = await this.db.write(async (tx) => {
      const row = await tx.simulatorPhone.findUnique({ where: { id: 1 } });
      const state = apply(row ? { mode: row.mode as SimulatorMode, withoutWhatsApp: JSON.parse(row.withoutWhatsApp) } : NEW_PHONE);
      const data = { mode: state.mode, withoutWhatsApp: JSON.stringify(state.withoutWhatsApp) };
      await tx.simulatorPhone.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
      return state;
    });
    await this.changed();
    return next;
  }
}
