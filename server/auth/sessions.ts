import { writeAudit, type AuditInput } from '../audit/audit.ts';
import { timeFor, type Db, type Statement, type Tx } from '../db/database.ts';
import type { AccountRole as Role, User as UserView } from '../contract/index.ts';
import { randomToken, sha256 } from './secrets.ts';
import { announceSessionChange, type SessionCache, type SessionChange, type SessionRow } from './session-cache.ts';

/**
 * Console sessions end at the first of two limits: an absolute lifetime from login
 * (SESSION_TTL_HOURS) and an idle timeout (SESSION_IDLE_MINUTES) counted from the person's last
 * request. Polls the console makes on its own carry BACKGROUND_HEADER and do not count, or an
 * open tab would never go idle.
 */
export interface SessionPolicy {
  ttlHours: number;
  idleMinutes: number;
  /** This process's own sight of each session, to tell a wall-clock jump from idleness (see IdleClock). */
  seen?: IdleClock;
  /** PostgreSQL: the sessions this process served, remembered (session-cache.ts); none on SQLite. */
  cache?: SessionCache;
}

/** How far the wall clock may run ahead of the monotonic one before it counts as a jump. */
const JUMP_TOLERANCE_MS = 60_000;

/**
 * A forward step of the wall clock (an operator setting the hour, NTP stepping after hours of
 * drift) is not the person being idle: without this, every console session ends at once. The
 * stored last-seen is wall time (it must hold across processes and restarts), so this process
 * also keeps, for each session it served, the wall and monotonic times of the person's last
 * request. When the wall clock has since run ahead of the monotonic one by more than a minute,
 * it jumped: idleness is what the monotonic clock measured. Otherwise the stored time decides.
 * (A server suspended for hours also shows as a jump, and its sessions survive the suspend.)
 */
export class IdleClock {
  readonly #seen = new Map<string, { wall: number; mono: number; jumped: boolean }>();

  constructor(
    private readonly wall: () => number = () => Date.now(),
    private readonly mono: () => number = () => performance.now(),
    private readonly maxSessions = 50_000,
  ) {}

  saw(sessionHash: string): void {
    // Once a jump was seen it stays known: the stored last-seen catches up only after a write
    // that may still be under way, and until then it still tells of the jump, not of idleness.
    const jumped = this.idleAcrossJump(sessionHash) !== null;
    this.#seen.delete(sessionHash); // re-inserted last: Map order is oldest-seen first
    this.#seen.set(sessionHash, { wall: this.wall(), mono: this.mono(), jumped });
    while (this.#seen.size > this.maxSessions) this.#seen.delete(this.#seen.keys().next().value!);
  }

  /** Monotonic ms since this process last saw the session, if the wall clock jumped forward since; else null. */
  idleAcrossJump(sessionHash: string): number | null {
    const at = this.#seen.get(sessionHash);
    if (!at) return null;
    const monoElapsed = this.mono() - at.mono;
    return at.jumped || this.wall() - at.wall - monoElapsed > JUMP_TOLERANCE_MS ? monoElapsed : null;
  }
}

export const BACKGROUND_HEADER = 'x-puente-segundo-plano';

/**
 * Last-seen is written at most this often: a write (and an fsync) per request would halve
 * throughput. So that the stored time, up to this much behind, never ends a session early,
 * the idle limit is checked with the same slack: a session ends between `idleMinutes` and
 * `idleMinutes` + 1 after the last request, never before.
 */
export const TOUCH_EVERY_MS = 60_000;

export type SessionUser = { kind: 'user'; user: UserView; role: Role; sessionHash: string };

const toView = (row: { id: number; username: string; displayName: string | null; role: string }): UserView => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role as Role,
});

/**
 * A new session for a person who just proved their password. The session the browser came with
 * (if any) ends in the same step: a login never keeps an id someone else may have planted.
 */
export async function openSession(
  db: Db,
  userId: number,
  policy: SessionPolicy,
  { replacing, audit, now = new Date() }: { replacing?: string; audit?: AuditInput; now?: Date } = {},
) {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + policy.ttlHours * 3_600_000);
  const replaced = replacing ? { session: sha256(replacing) } : null;
  await db.write(async (tx) => {
    if (replaced) {
      await tx.session.deleteMany({ where: { tokenHash: replaced.session } });
      await announceSessionChange(db, tx, replaced);
    }
    await tx.session.create({ data: { tokenHash: sha256(token), userId, expiresAt, lastSeenAt: now, createdAt: now } });
    if (audit) await writeAudit(tx, audit, now);
  });
  if (replaced) policy.cache?.forget(replaced);
  policy.seen?.saw(sha256(token));
  return { token, expiresAt };
}

// Every authenticated request runs one of these: prepared statements, not Prisma queries.
const SESSION_USER: Statement = {
  sqlite: `SELECT s.expiresAt, s.lastSeenAt, u.id, u.username, u.displayName, u.role, u.active
    FROM Session s JOIN User u ON u.id = s.userId WHERE s.tokenHash = :hash`,
  postgres: `SELECT s."expiresAt", s."lastSeenAt", u.id, u.username, u."displayName", u.role, u.active
    FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE s."tokenHash" = :hash`,
};
const TOUCH: Statement = {
  sqlite: 'UPDATE Session SET lastSeenAt = :at WHERE tokenHash = :hash',
  postgres: 'UPDATE "Session" SET "lastSeenAt" = :at WHERE "tokenHash" = :hash',
};
const END: Statement = {
  sqlite: 'DELETE FROM Session WHERE tokenHash = :hash',
  postgres: 'DELETE FROM "Session" WHERE "tokenHash" = :hash',
};


/**
 * The person behind a session cookie, or null when it is unknown, past its lifetime, idle too
 * long or its account is inactive. `touch` (a request the person made) moves last-seen on.
 */
export async function sessionPrincipal(
  db: Db,
  token: string,
  policy: SessionPolicy,
  { touch, now = new Date() }: { touch: boolean; now?: Date },
): Promise<SessionUser | null> {
  const sessionHash = sha256(token);
  const read = async () => (await db.all<SessionRow>(SESSION_USER, { hash: sessionHash }))[0] ?? null;
  // From memory only a "valid" verdict: a remembered row that looks expired or idle is read
  // again, as its last-seen may have moved on another process since.
  const remembered = policy.cache?.get(sessionHash);
  if (remembered && judge(remembered, sessionHash, policy, now) === 'valid') return accept(db, remembered, sessionHash, policy, touch, now);
  const row = policy.cache ? await policy.cache.load(sessionHash, read) : await read();
  const verdict = row ? judge(row, sessionHash, policy, now) : 'gone';
  if (verdict === 'valid') return accept(db, row!, sessionHash, policy, touch, now);
  if (row) policy.cache?.forget({ session: sessionHash });
  if (verdict === 'idle') void db.run(END, { hash: sessionHash }).catch(() => {}); // dead already; the row only tidies up
  return null;
}

/** Past its lifetime or an inactive account, idle too long, or fine. */
function judge(row: SessionRow, sessionHash: string, policy: SessionPolicy, now: Date): 'valid' | 'gone' | 'idle' {
  if (new Date(row.expiresAt) <= now || !row.active) return 'gone';
  const idleFor = now.getTime() - new Date(row.lastSeenAt).getTime();
  const acrossJump = policy.seen?.idleAcrossJump(sessionHash) ?? null;
  return Math.min(idleFor, acrossJump ?? Infinity) > policy.idleMinutes * 60_000 + TOUCH_EVERY_MS ? 'idle' : 'valid';
}

function accept(db: Db, row: SessionRow, sessionHash: string, policy: SessionPolicy, touch: boolean, now: Date): SessionUser {
  const idleFor = now.getTime() - new Date(row.lastSeenAt).getTime();
  // Negative: the wall clock was set back; last-seen moves back with it, or the idle limit would stretch by the jump.
  if (touch && (idleFor > TOUCH_EVERY_MS || idleFor < 0)) {
    void db
      .run(TOUCH, { at: timeFor(db, now), hash: sessionHash })
      .then(() => policy.cache?.touched(sessionHash, now))
      .catch(() => {});
  }
  if (touch) policy.seen?.saw(sessionHash);
  return { kind: 'user', user: toView(row), role: row.role as Role, sessionHash };
}

/** "Seguir conectado": last-seen moves to now, whatever the once-a-minute rule skipped. */
export async function renewSession(db: Db, sessionHash: string, policy?: SessionPolicy, now = new Date()): Promise<void> {
  await db.run(TOUCH, { at: timeFor(db, now), hash: sessionHash });
  policy?.cache?.touched(sessionHash, now);
}

/**
 * Ends sessions or changes an account inside one write transaction, announced to every process
 * (session-cache.ts) in that same transaction; this process forgets right after the commit, so
 * its very next request already sees the change.
 */
export async function changingSessions<T>(db: Db, policy: SessionPolicy | undefined, change: SessionChange, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await db.write(async (tx) => {
    const value = await work(tx);
    await announceSessionChange(db, tx, change);
    return value;
  });
  policy?.cache?.forget(change);
  return result;
}

export async function endSession(db: Db, policy: SessionPolicy, sessionHash: string, audit?: AuditInput): Promise<void> {
  await changingSessions(db, policy, { session: sessionHash }, async (tx) => {
    await tx.session.deleteMany({ where: { tokenHash: sessionHash } });
    if (audit) await writeAudit(tx, audit);
  });
}

/** "Cerrar las demás sesiones": every session of the account but the one asking. Returns how many ended. */
export async function endOtherSessions(db: Db, policy: SessionPolicy, userId: number, keepHash: string, audit?: AuditInput): Promise<number> {
  return changingSessions(db, policy, { user: userId }, async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { userId, NOT: { tokenHash: keepHash } } });
    if (audit) await writeAudit(tx, audit);
    return count;
  });
}

/** Inside a password change or reset (run it through `changingSessions`): no session opened with the old password survives it. */
export async function endAllSessions(tx: Tx, userId: number, keepHash?: string): Promise<number> {
  const { count } = await tx.session.deleteMany({ where: { userId, ...(keepHash ? { NOT: { tokenHash: keepHash } } : {}) } });
  return count;
}
