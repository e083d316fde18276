import type { QuickReply } from '../contract/index.ts';
import type { Db } from '../db/database.ts';

export interface QuickReplyInput {
  titulo: string;
  texto: string;
}

const view = ({ id, titulo, texto }: QuickReply): QuickReply => ({ id, titulo, texto });

/** The list in the order admins made it (the five defaults seeded by the migration first). */
export async function listQuickReplies(db: Db): Promise<QuickReply[]> {
  const rows = await db.prisma.quickReply.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] });
  return rows.map(view);
}

/** Added at the end of the list; false when another has the same title (people pick by it). */
export async function addQuickReply(db: Db, input: QuickReplyInput): Promise<QuickReply | 'duplicate'> {
  return db.write(async (tx) => {
    if (await tx.quickReply.findFirst({ where: { titulo: input.titulo } })) return 'duplicate';
    const last = await tx.quickReply.aggregate({ _max: { position: true } });
    return view(await tx.quickReply.create({ data: { ...input, position: (last._max.position ?? 0) + 1 } }));
  });
}

export async function editQuickReply(db: Db, id: number, patch: Partial<QuickReplyInput>): Promise<QuickReply | 'duplicate' | null> {
  return db.write(async (tx) => {
    if (!(await tx.quickReply.findUnique({ where: { id } }))) return null;
    if (patch.titulo && (await tx.quickReply.findFirst({ where: { titulo: patch.titulo, id: { not: id } } }))) return 'duplicate';
    return view(await tx.quickReply.update({ where: { id }, data: patch }));
  });
}

/** Sent messages keep their text: removing a reply only takes it off the list. */
export async function removeQuickReply(db: Db, id: number): Promise<boolean> {
  return db.write(async (tx) => (await tx.quickReply.deleteMany({ where: { id } })).count > 0);
}
