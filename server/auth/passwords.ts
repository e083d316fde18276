import { writeAudit, type AuditInput } from '../audit/audit.ts';
import type { Db } from '../db/database.ts';
import type { User as UserView } from '../contract/index.ts';
import { hashPassword, verifyPassword } from './secrets.ts';
import { changingSessions, endAllSessions, type SessionPolicy } from './sessions.ts';

/**
 * Passwords after the account exists: an admin resets someone's, each person changes their own.
 * Either way no session opened with the old password survives (but the one of the person
 * changing their own, who just proved it).
 */

export type ChangeOutcome = 'changed' | 'wrong_password';

/** Returns the sessions ended, or null when there is no active account with that id. */
export async function resetPassword(db: Db, userId: number, password: string, audit?: AuditInput, policy?: SessionPolicy): Promise<number | null> {
  const passwordHash = await hashPassword(password);
  return changingSessions(db, policy, { user: userId }, async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id: userId, active: true }, data: { passwordHash } });
    if (count === 0) return null;
    const ended = await endAllSessions(tx, userId);
    if (audit) await writeAudit(tx, audit);
    return ended;
  });
}

export async function changeOwnPassword(
  db: Db,
  user: { id: number; sessionHash: string },
  current: string,
  next: string,
  audit?: AuditInput,
  policy?: SessionPolicy,
): Promise<ChangeOutcome> {
  const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!(await verifyPassword(row.passwordHash, current))) return 'wrong_password';
  const passwordHash = await hashPassword(next);
  await changingSessions(db, policy, { user: user.id }, async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await endAllSessions(tx, user.id, user.sessionHash);
    if (audit) await writeAudit(tx, audit);
  });
  return 'changed';
}

/** Deactivated accounts, so an admin can bring one back. */
export async function listDeactivated(db: Db): Promise<UserView[]> {
  const users = await db.prisma.user.findMany({ where: { active: false }, orderBy: { id: 'asc' } });
  return users.map(({ id, username, displayName, role }) => ({ id, username, displayName, role: role as UserView['role'] }));
}

/** Brings a deactivated account back with its old password; null when none such is inactive. */
export async function reactivateUser(db: Db, id: number, audit?: AuditInput): Promise<UserView | null> {
  return db.write(async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id, active: false }, data: { active: true } });
    if (count === 0) return null;
    if (audit) await writeAudit(tx, audit);
    const { username, displayName, role } = await tx.user.findUniqueOrThrow({ where: { id } });
    return { id, username, displayName, role: role as UserView['role'] };
  });
}
