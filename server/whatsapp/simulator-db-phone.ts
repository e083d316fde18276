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
   * One prepared INSERT, committed (durably) before the send returns, as WhatsApp's server
   * would have it. Not through Prisma: on the send path its query compiler and its
   * BEGIN/COMMIT round trips cost more than the write itself (issue 12).
   */
  async record(record: SentRecord) {
    const { id, media, at, to, body, clientRef } = record;
    await this.db.run(INSERT_SENT, { waId: id, to, body, at: timeFor(this.db, new Date(at)), clientRef, media: media ? JSON.stringify(media) : null });
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
