import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient, startService, type RunningService } from './support/service.ts';
import { processesMentioning } from './support/processes.ts';

const CHROMIUM = '/usr/bin/chromium';

let service: RunningService | undefined;
let sessionDir: string | undefined;

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// A failed assertion leaves the service (and, through whatsapp-web.js, a Chromium in a process
// group of its own) running: stop it as the service stops (SIGTERM closes Chromium), SIGKILL if
// it hangs, then end any Chromium still holding this test's profile, and check both are gone.
afterAll(async () => {
  if (service) {
    const pid = service.child.pid!;
    const hung = await Promise.race([service.stop().then(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, 15_000, true))]);
    if (hung) await service.kill();
    service = undefined;
    expect(isRunning(pid)).toBe(false);
  }
  if (sessionDir) {
    for (const pid of processesMentioning(sessionDir)) process.kill(pid, 'SIGKILL');
    expect(processesMentioning(sessionDir)).toEqual([]);
  }
}, 30_000);

describe.skipIf(!fs.existsSync(CHROMIUM))('the service on the real whatsapp-web.js driver, offline', () => {
  it('keeps serving, reports why WhatsApp is down, keeps replies, and leaves no Chromium behind', { timeout: 120_000 }, async () => {
    sessionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-wa-session-'));
    service = await startService({ env: { WHATSAPP_DRIVER: 'wwebjs', CHROME_PATH: CHROMIUM, SESSION_DIR: sessionDir } });
    const api = await adminClient(service);

    let status: { state: string; reason?: string } = { state: 'starting' };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && status.state !== 'disconnected') {
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      status = await (await api('/api/whatsapp/status')).json();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status.state).toBe('disconnected');
    expect(status.reason).toEqual(expect.any(String));

    const ticket = await (await api('/api/tickets', { body: { phone: '+5214771234567', subject: 'sin red' } })).json();
    const reply = await api(`/ticket/${ticket.id}/enviar-mensaje`, { body: { mensaje: 'se guarda' } });
    expect(reply.status).toBe(503);
    const { historial } = await (await api(`/ticket/${ticket.id}/conversacion`)).json();
    expect(historial).toEqual([expect.objectContaining({ content: 'se guarda', delivery: 'queued' })]);

    expect(await service.stop()).toBe(0);
    service = undefined;
    expect(processesMentioning(sessionDir)).toEqual([]);
  });
});
