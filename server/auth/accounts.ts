import { writeAudit, type AuditInput } from '../audit/audit.ts';
import { timeFor, type Db, type Statement } from '../db/database.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.ts';
import { changingSessions, type SessionPolicy, type SessionUser } from './sessions.ts';

import type { AccountRole as Role, CreatedToken, User as UserView } from '../contract/index.ts';

export type { Role, UserView };

/** Who is calling: a person at the console, or an integration holding a token. */
export type Principal = SessionUser | { kind: 'token'; tokenId: number; name: string; role: 'integracion' };

const toView = (user: { id: number; username: string; displayName: string | null; role: string }): UserView => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role as Role,
});

export async function createUser(
  db: Db,
  input: { username: string; password: string; role: Role; displayName?: string },
  audit?: AuditInput,
): Promise<UserView | null> {
  const passwordHash = await hashPassword(input.password);
  return db.write(async (tx) => {
    if (await tx.user.findUnique({ where: { username: input.username } })) return null;
    const user = await tx.user.create({
      data: { username: input.username, passwordHash, role: input.role, displayName: input.displayName },
    });
    if (audit) await writeAudit(tx, audit);
    return toView(user);
  });
}

/** Ends an account: it cannot log in, and its open sessions end now. False when none such is active. */
export async function deactivateUser(db: Db, id: number, audit?: AuditInput, policy?: SessionPolicy): Promise<boolean> {
  return changingSessions(db, policy, { user: id }, async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id, active: true }, data: { active: false } });
    if (count === 0) return false;
    await tx.session.deleteMany({ where: { userId: id } });
    if (audit) await writeAudit(tx, audit);
    return true;
  });
}

export async function listUsers(db: Db): Promise<UserView[]> {
  const users = await db.prisma.user.findMany({ where: { active: true }, orderBy: { id: 'asc' } });
  return users.map(toView);
}

/**
 * Creates the first admin when no account exists: from the environment, else with a random
 * password that the caller shows once. Returns null when accounts already exist.
 */
export async function ensureFirstAdmin(
  db: Db,
  given: { username?: string; password?: string },
): Promise<{ username: string; password: string; generated: boolean } | null> {
  if ((await db.prisma.user.count()) > 0) return null;
  const username = given.username ?? 'admin';
  const password = given.password ?? randomToken(12);
  await createUser(db, { username, password, role: 'admin', displayName: 'Administrador' });
  return { username, password, generated: !given.password };
}

/** The account these credentials prove, or null: unknown, inactive or the wrong password, alike. */
export async function verifyCredentials(db: Db, username: string, password: string): Promise<UserView | null> {
  const user = await db.prisma.user.findUnique({ where: { username } });
  // Verify against a dummy hash when the user is unknown, so timing does not reveal usernames.
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  return user && user.active && ok ? toView(user) : null;
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$ibziGhiQQyfcbtQfZXzeDA$Xw9526D+IFa1Dcq5JrxDCWuxqNAP8CqR8aIU9caZmiA';

const TOKEN: Statement = {
  sqlite: 'SELECT id, name, revokedAt, lastUsedAt FROM ApiToken WHERE tokenHash = :hash',
  postgres: 'SELECT id, name, "revokedAt", "lastUsedAt" FROM "ApiToken" WHERE "tokenHash" = :hash',
};
const TOKEN_USED: Statement = {
  sqlite: 'UPDATE ApiToken SET lastUsedAt = :at WHERE id = :id',
  postgres: 'UPDATE "ApiToken" SET "lastUsedAt" = :at WHERE id = :id',
};

export async function principalFromToken(db: Db, token: string): Promise<Principal | null> {
  const [row] = await db.all<{ id: number; name: string; revokedAt: string | null; lastUsedAt: string | null }>(TOKEN, { hash: sha256(token) });
  if (!row || row.revokedAt) return null;
  // Recorded at most once a minute: a write (and an fsync) per request would halve throughput.
  if (!row.lastUsedAt || Date.now() - new Date(row.lastUsedAt).getTime() > 60_000) {
    void db.run(TOKEN_USED, { at: timeFor(db, new Date()), id: row.id }).catch(() => {});
  }
  return { kind: 'token', tokenId: row.id, name: row.name, role: 'integracion' };
}

export async function createApiToken(db: Db, name: string, createdById: number, audit?: AuditInput): Promise<CreatedToken> {
  const token = `pnt_${randomToken()}`;
  const row = await db.write(async (tx) => {
    const created = await tx.apiToken.create({ data: { name, tokenHash: sha256(token), createdById } });
    if (audit) await writeAudit(tx, audit);
    return created;
  });
  return { id: row.id, name: row.name, token };
}

export async function listApiTokens(db: Db) {
  return db.prisma.apiToken.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export async function revokeApiToken(db: Db, id: number, audit?: AuditInput): Promise<boolean> {
  return db.write(async (tx) => {
    const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count > 0 && audit) await writeAudit(tx, audit);
    return count > 0;
  });
}
