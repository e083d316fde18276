import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseFile } from './database.ts';

export interface BackupResult {
  /** The folder this backup was written to (BACKUP_DIR/puente-<UTC time>). */
  dir: string;
  database: string;
  mediaFiles: number;
}

/** A new folder BACKUP_DIR/puente-<UTC time, e.g. 20261129T101500Z>. */
export function backupFolder(backupDir: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = path.join(path.resolve(backupDir), `puente-${stamp}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * An online SQLite copy with `VACUUM INTO`: one read transaction, so the copy is a consistent
 * snapshot however busy the service is. Copying the file would miss the WAL or catch a
 * half-written page; SQLite's page-by-page backup API restarts on every write from another
 * connection and never finishes while the service keeps filing messages. The media folder is
 * copied after the database: a file is stored before the row that names it commits, so every file
 * the copied rows name is already on disk.
 */
export function backupSqlite(databaseUrl: string, mediaDir: string, backupDir: string, now = new Date()): BackupResult {
  const dir = backupFolder(backupDir, now);
  const target = path.join(dir, 'puente.db');
  const source = new Database(databaseFile(databaseUrl), { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    source.prepare('VACUUM INTO ?').run(target);
  } finally {
    source.close();
  }
  return { dir, database: target, mediaFiles: copyMedia(mediaDir, path.join(dir, 'media')) };
}

/** Copies the media folder but its `tmp/` (files still being written); returns how many files it copied. */
export function copyMedia(from: string, to: string): number {
  if (!fs.existsSync(from)) return 0;
  const skip = path.join(from, 'tmp');
  let files = 0;
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      if (src === skip) return false;
      if (fs.statSync(src).isFile()) files += 1;
      return true;
    },
  });
  return files;
}

/** PostgreSQL: the pg_dump command (custom format, restorable with pg_restore) for this database. */
export function pgDumpCommand(databaseUrl: string, dir: string): string[] {
  return ['pg_dump', '--format=custom', `--file=${path.join(dir, 'puente.pgdump')}`, databaseUrl];
}
