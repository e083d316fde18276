import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminClient, startService, type RunningService } from './support/service.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const running: RunningService[] = [];
afterEach(async () => {
  for (const service of running.splice(0)) await service.kill();
});

describe('the service process', () => {
  it('refuses to start on a bad setting, naming the variable', () => {
    const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, SEND_TIMEOUT_MS: 'pronto', DATA_DIR: '/tmp/puente-never' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/^Configuración inválida: SEND_TIMEOUT_MS debe ser un número/m);
  });

  it('prints a generated admin password once, and only on the first start', { timeout: 60_000 }, async () => {
    const first = await startService({ env: { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' } });
    running.push(first);
    const password = /contraseña: (\S+)/.exec(first.output())?.[1];
    expect(password).toBeTruthy();
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    await first.stop();
    const second = await startService({ dataDir: first.dataDir, env: { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' } });
    running.push(second);
    expect(second.output()).not.toMatch(/contraseña:/);
  });

  it('shuts down on SIGTERM with exit code 0, keeping queued replies for the next start', { timeout: 60_000 }, async () => {
    const service = await startService();
    running.push(service);
    const api = await adminClient(service);
    const ticket = await (await api('/api/tickets', { body: { phone: '+5214771234567', subject: 'x' } })).json();
    await api('/api/simulator/connection', { body: { state: 'disconnected' } });
    expect((await api(`/ticket/${ticket.id}/enviar-mensaje`, { body: { mensaje: 'pendiente' } })).status).toBe(503);

    expect(await service.stop()).toBe(0);
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();

    const again = await startService({ dataDir: service.dataDir, admin: service.admin });
    running.push(again);
    const againApi = await adminClient(again);
    const sent = async () => (await againApi('/api/simulator/sent')).json();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await sent()).length === 0) await new Promise((r) => setTimeout(r, 100));
    expect((await sent()).map((record: { body: string }) => record.body)).toEqual(['pendiente']);
  });
});
