import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';

/**
 * Who of the team is online: people with an open console socket (/api/live) on any process that
 * shares the database. Each socket is a row its process refreshes while it stays open and deletes
 * when it closes; a row of a process that died (SIGKILL, power cut) stops counting once it is
 * older than PRESENCE_WINDOW_MS, so nobody stays "online" forever. Sessions that end (logout,
 * expiry, password reset) close their sockets at the next recheck, which deletes the rows.
 */
export const PRESENCE_WINDOW_MS = 2 * 60_000;

/** A socket opened for this person: returns the row's id for `refresh` and `closed`. */
export async function socketOpened(db: Db, userId: number, now = new Date()): Promise<string> {
  const id = randomUUID();
  await db.write(async (tx) => {
    // Rows a dead process left behind are tidied here, where rows are written anyway.
    await tx.presence.deleteMany({ where: { seenAt: { lt: new Date(now.getTime() - 5 * PRESENCE_WINDOW_MS) } } });
    await tx.presence.create({ data: { id, userId, seenAt: now } });
  });
  return id;
}

/** The socket is still open (and its session still valid). */
export async function socketAlive(db: Db, id: string, userId: number, now = new Date()): Promise<void> {
  // upsert: a row tidied away while this process was stalled comes back.
  await db.write((tx) => tx.presence.upsert({ where: { id }, update: { seenAt: now }, create: { id, userId, seenAt: now } }));
}

export async function socketClosed(db: Db, id: string): Promise<void> {
  await db.write((tx) => tx.presence.deleteMany({ where: { id } }));
}

/** Ids of the people with at least one socket seen within the window. */
export async function onlineUserIds(db: Db, now = new Date()): Promise<Set<number>> {
  const rows = await db.prisma.presence.findMany({
    where: { seenAt: { gte: new Date(now.getTime() - PRESENCE_WINDOW_MS) } },
    select: { userId: true },
    distinct: ['userId'],
  });
  return new Set(rows.map((row) => row.userId));
}
