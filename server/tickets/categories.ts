import type { Db } from '../db/database.ts';

/** The category list in the order it was made: the default ones as seeded, then what admins added. */
export async function listCategories(db: Db): Promise<string[]> {
  const rows = await db.prisma.category.findMany({ orderBy: { position: 'asc' }, select: { name: true } });
  return rows.map((row) => row.name);
}

/** Adds a category; false when it already exists. Categories are never removed: tickets keep theirs. */
export async function addCategory(db: Db, name: string): Promise<boolean> {
  return db.write(async (tx) => {
    if (await tx.category.findUnique({ where: { name } })) return false;
    const last = await tx.category.aggregate({ _max: { position: true } });
    await tx.category.create({ data: { name, position: (last._max.position ?? 0) + 1 } });
    return true;
  });
}

/** Whether a category is on the list (it never leaves it, so a check before a write holds). */
export async function categoryExists(db: Db, name: string): Promise<boolean> {
  return (await db.prisma.category.findUnique({ where: { name } })) !== null;
}
