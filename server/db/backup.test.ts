import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from '../../test/support/app.ts';
import { backupSqlite } from './backup.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const dirs: string[] = [];
const apps: TestApp[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-backup-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function serviceWithData() {
  const t = await buildTestApp();
  apps.push(t);
  const ticket = await createTicket(t);
  await t.simulator.receive({ from: ticket.phone, body: 'la foto', media: { base64: PNG, mimetype: 'image/png', filename: 'pantalla.png' } });
  await eventually(async () => (await t.app.puente.db.prisma.attachment.count()) > 0);
  return t;
}

describe('npm run backup', () => {
  it('copies a consistent database and the media while the service writes; restored into a fresh DATA_DIR, the service finds everything', async () => {
    const t = await serviceWithData();
    const { databaseUrl, mediaDir } = t.app.puente.config;
    // The service keeps filing messages from new chats during the whole backup.
    let writing = true;
    let n = 0;
    const writer = (async () => {
      while (writing) {
        await t.simulator.receive({ from: `+5214779${String(n++).padStart(6, '0')}`, body: `mensaje ${n}` });
        // A macrotask turn between messages, so timers (and the test's own polling) still run.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await eventually(() => n > 5);
    const before = await t.app.puente.db.prisma.message.findMany({ select: { id: true, content: true } });
    const result = backupSqlite(databaseUrl, mediaDir, tempDir());
    writing = false;
    await writer;

    const copy = new Database(result.database, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(result.mediaFiles).toBeGreaterThan(0);

    const restored = tempDir();
    fs.copyFileSync(result.database, path.join(restored, 'puente.db'));
    fs.cpSync(path.join(result.dir, 'media'), path.join(restored, 'media'), { recursive: true });
    const again = await buildTestApp({}, { dataDir: restored });
    apps.push(again);
    const after = await again.app.puente.db.prisma.message.findMany({ select: { id: true, content: true } });
    expect(after).toEqual(expect.arrayContaining(before));
    for (const attachment of await again.app.puente.db.prisma.attachment.findMany()) {
      const file = await again.app.inject({ method: 'GET', url: `/api/adjuntos/${attachment.id}`, headers: again.admin });
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.equals(Buffer.from(PNG, 'base64'))).toBe(true);
    }
  });

  it('the npm script writes BACKUP_DIR/puente-<time>/ with the database and media of DATA_DIR', async () => {
    const t = await serviceWithData();
    const backupDir = tempDir();
    const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, ['scripts/backup.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATA_DIR: t.dataDir, BACKUP_DIR: backupDir, DATABASE_URL: '' },
    });
    const [folder] = fs.readdirSync(backupDir);
    expect(folder).toMatch(/^puente-\d{8}T\d{6}Z$/);
    expect(stdout).toContain(`copia en ${path.join(backupDir, folder)}: base de datos puente.db, 1 archivos de media`);
    expect(fs.existsSync(path.join(backupDir, folder, 'puente.db'))).toBe(true);
  }, 60_000);
});
