import fs from 'node:fs';
import type { Db } from '../db/database.ts';
import type { MediaStore } from './store.ts';

export interface AttachmentRow {
  id: number;
  sha256: string;
  mimetype: string;
  filename: string;
  bytes: number;
  messageId: number;
}

/** The contract's `adjunto` of an entry. */
export interface Adjunto {
  id: number;
  nombre: string;
  tipo: string;
  bytes: number;
  url: string;
}

export const adjuntoOf = (row: Pick<AttachmentRow, 'id' | 'filename' | 'mimetype' | 'bytes'>): Adjunto => ({
  id: row.id,
  nombre: row.filename,
  tipo: row.mimetype,
  bytes: row.bytes,
  url: `/api/adjuntos/${row.id}`,
});

export function findAttachment(db: Db, id: number): AttachmentRow | null {
  const row = db
    .sql('SELECT id, sha256, mimetype, filename, bytes, messageId FROM Attachment WHERE id = ?')
    .get(id) as AttachmentRow | undefined;
  return row ?? null;
}

export function attachmentOfMessage(db: Db, messageId: number): AttachmentRow | null {
  const row = db
    .sql('SELECT id, sha256, mimetype, filename, bytes, messageId FROM Attachment WHERE messageId = ?')
    .get(messageId) as AttachmentRow | undefined;
  return row ?? null;
}

/** The file an outgoing message carries, read from the store when it is sent; null for text. */
export async function outgoingMedia(db: Db, store: MediaStore, messageId: number) {
  const row = attachmentOfMessage(db, messageId);
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

export function referencedFiles(db: Db): Set<string> {
  const rows = db.sql('SELECT DISTINCT sha256 FROM Attachment').all() as { sha256: string }[];
  return new Set(rows.map((row) => row.sha256));
}

/** Bytes on disk: each stored file counted once however many entries share it. */
export function storageTotal(db: Db): { files: number; bytes: number } {
  const row = db
    .sql('SELECT COUNT(*) AS files, COALESCE(SUM(bytes), 0) AS bytes FROM (SELECT sha256, MAX(bytes) AS bytes FROM Attachment GROUP BY sha256)')
    .get() as { files: number; bytes: number };
  return { files: Number(row.files), bytes: Number(row.bytes) };
}
