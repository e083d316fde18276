import fs from 'node:fs';
import type { Adjunto } from '../contract/index.ts';
import type { Db, Statement } from '../db/database.ts';

export interface AttachmentRow {
  id: number;
  sha256: string;
  mimetype: string;
  filename: string;
  bytes: number;
  messageId: number;
}


export const adjuntoOf = (row: Pick<AttachmentRow, 'id' | 'filename' | 'mimetype' | 'bytes'>): Adjunto => ({
  id: row.id,
  nombre: row.filename,
  tipo: row.mimetype,
  bytes: row.bytes,
  url: `/api/adjuntos/${row.id}`,
});

const SQL = {
  byId: {
    sqlite: 'SELECT id, sha256, mimetype, filename, bytes, messageId FROM Attachment WHERE id = :id',
    postgres: 'SELECT id, sha256, mimetype, filename, bytes, "messageId" FROM "Attachment" WHERE id = :id',
  },
  byMessage: {
    sqlite: 'SELECT id, sha256, mimetype, filename, bytes, messageId FROM Attachment WHERE messageId = :messageId',
    postgres: 'SELECT id, sha256, mimetype, filename, bytes, "messageId" FROM "Attachment" WHERE "messageId" = :messageId',
  },
  hashes: { sqlite: 'SELECT DISTINCT sha256 FROM Attachment', postgres: 'SELECT DISTINCT sha256 FROM "Attachment"' },
  total: {
    sqlite: 'SELECT COUNT(*) AS files, COALESCE(SUM(bytes), 0) AS bytes FROM (SELECT sha256, MAX(bytes) AS bytes FROM Attachment GROUP BY sha256)',
    postgres: 'SELECT COUNT(*) AS files, COALESCE(SUM(bytes), 0) AS bytes FROM (SELECT sha256, MAX(bytes) AS bytes FROM "Attachment" GROUP BY sha256) f',
  },
} satisfies Record<string, Statement>;

/** PostgreSQL's text of the insert, for the message store's own transaction there. */
export const INSERT_ATTACHMENT_PG = `INSERT INTO "Attachment" (sha256, mimetype, filename, bytes, "messageId")
  VALUES (:sha256, :mimetype, :filename, :bytes, :messageId) RETURNING id`;

export async function findAttachment(db: Db, id: number): Promise<AttachmentRow | null> {
  const [row] = await db.all<AttachmentRow>(SQL.byId, { id });
  return row ?? null;
}

export async function attachmentOfMessage(db: Db, messageId: number): Promise<AttachmentRow | null> {
  const [row] = await db.all<AttachmentRow>(SQL.byMessage, { messageId });
  return row ?? null;
}

/** The file an outgoing message carries, read from the store when it is sent; null for text. */
export async function outgoingMedia(db: Db, store: { pathOf(sha256: string): string }, messageId: number) {
  const row = await attachmentOfMessage(db, messageId);
  if (!row) return null;
  const bytes = await fs.promises.readFile(store.pathOf(row.sha256));
  return { bytes, mimetype: row.mimetype, filename: row.filename };
}

/** Inserts the row inside the caller's `writeNow` transaction, beside its entry. */
export function insertAttachment(db: Db, row: Omit<AttachmentRow, 'id'>): number {
  const result = db
    .sql('INSERT INTO Attachment (sha256, mimetype, filename, bytes, messageId) VALUES (?, ?, ?, ?, ?)')
    .run(row.sha256, row.mimetype, row.filename, row.bytes, row.messageId);
  return Number(result.lastInsertRowid);
}

export async function referencedFiles(db: Db): Promise<Set<string>> {
  const rows = await db.all<{ sha256: string }>(SQL.hashes);
  return new Set(rows.map((row) => row.sha256));
}

/** Bytes on disk: each stored file counted once however many entries share it. */
export async function storageTotal(db: Db): Promise<{ files: number; bytes: number }> {
  const [row] = await db.all<{ files: number; bytes: number }>(SQL.total);
  return { files: Number(row.files), bytes: Number(row.bytes) };
}
