import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, buildApp, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers, databaseBytes } from '../../test/support/auth.ts';
import { loadConfig } from '../config.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const { createTechnician } = callers(() => t);

describe('passwords', () => {
  it('are stored as argon2id hashes, never in plain text', async () => {
    await createTechnician('tecnico2', 'otra-clave-secreta');
    const users = await prisma().user.findMany({ orderBy: { id: 'asc' } });

    expect(users.map((user) => user.username)).toEqual(['admin', 'tecnico2']);
    for (const user of users) expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    const bytes = databaseBytes(t.dataDir);
    expect(bytes.includes(Buffer.from(ADMIN.password))).toBe(false);
    expect(bytes.includes(Buffer.from('otra-clave-secreta'))).toBe(false);
  });
});

describe('the first admin', () => {
  // Built by hand: buildTestApp always sets ADMIN_USERNAME/ADMIN_PASSWORD and logs in.
  const running: FastifyInstance[] = [];
  const closeAll = async () => {
    for (const app of running.splice(0)) await app.close();
  };
  afterEach(closeAll);

  async function build(dataDir: string, env: Record<string, string>) {
    const config = loadConfig({ DATA_DIR: dataDir, WHATSAPP_DRIVER: 'simulator', ...env });
    const app = await buildApp(config);
    running.push(app);
    await app.ready();
    return app;
  }

  it('without ADMIN_PASSWORD gets a random password, shown once, that logs in; a second start creates nobody', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-first-admin-'));
    try {
      const first = await build(dataDir, { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' });
      const created = first.puente.firstAdmin!;
      expect(created).toEqual({ username: 'admin', password: expect.any(String), generated: true });
      expect(created.password.length).toBeGreaterThanOrEqual(12);
      const users = await first.puente.db.prisma.user.findMany();
      expect(users).toEqual([expect.objectContaining({ username: 'admin', role: 'admin' })]);
      expect(users[0].passwordHash).toMatch(/^\$argon2id\$/);
      expect((await loginCookie(first, 'admin', created.password)).startsWith('puente_sesion=')).toBe(true);
      await closeAll();

      const second = await build(dataDir, { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' });
      expect(second.puente.firstAdmin).toBeNull();
      expect(await second.puente.db.prisma.user.count()).toBe(1);
      // The password printed the first time still works: nothing was regenerated.
      expect((await loginCookie(second, 'admin', created.password)).startsWith('puente_sesion=')).toBe(true);
    } finally {
      await closeAll();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('two services with no ADMIN_PASSWORD generate different passwords', async () => {
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'puente-first-admin-')));
    try {
      const passwords = [];
      for (const dir of dirs) passwords.push((await build(dir, {})).puente.firstAdmin!.password);
      expect(passwords[0]).not.toBe(passwords[1]);
    } finally {
      await closeAll();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with ADMIN_USERNAME and ADMIN_PASSWORD is created from them (not generated)', () => {
    expect(t.app.puente.firstAdmin).toEqual({ username: ADMIN.username, password: ADMIN.password, generated: false });
  });
});
