import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from './support/postgres.ts';
import { client, integrationToken, startService, type Client, type RunningService } from './support/service.ts';

/**
 * Two real service processes on one throwaway PostgreSQL, each with its own DATA_DIR (the
 * simulator's record and state are one phone in the database), a backlog queued while the link is down, the holder SIGKILLed mid-drain:
 * the other takes over within 30 s and every reply reaches the phone exactly once, in order.
 */
const PHONES = ['+5214770000101', '+5214770000102'];
const PER_PHONE = 10;
const running: RunningService[] = [];
afterAll(async () => {
  for (const each of running) await each.kill().catch(() => undefined);
});

/** What reached the phone, as a process answers GET /api/simulator/sent. */
const records = async (api: Client): Promise<{ to: string; body: string }[]> => (await api('/api/simulator/sent')).json();

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

describe('two processes on one PostgreSQL, the holder killed mid-backlog', () => {
  it('hands the link over within 30 s and sends every reply once, in order', { timeout: 240_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-multi-'));
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-multi-'));
    const env = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '6000', SEND_RATE_PER_MINUTE: '300', SEND_TIMEOUT_MS: '3000' };
    const first = await startService({ dataDir, env });
    running.push(first);
    const admin = first.admin;
    const authorization = `Bearer ${await integrationToken(first)}`;
    const a = client(first.url, { authorization });
    await until(async () => (await (await a('/api/whatsapp/status')).json()).titular === true, 20_000);
    const second = await startService({ dataDir: otherDir, env, admin });
    running.push(second);
    const b = client(second.url, { authorization });
    expect((await (await b('/api/whatsapp/status')).json()).titular).toBe(false);

    const tickets: number[] = [];
    for (const phone of PHONES) tickets.push((await (await a('/api/tickets', { body: { phone, subject: `Caso ${phone}` } })).json()).id);
    await a('/api/simulator/connection', { body: { state: 'disconnected' } });
    const expected = new Map(PHONES.map((phone) => [phone, [] as string[]]));
    for (let n = 0; n < PER_PHONE; n++) {
      for (const [i, phone] of PHONES.entries()) {
        const body = `respuesta ${n} para ${phone}`;
        // Half the replies are accepted by the process that does not hold the link.
        const response = await (n % 2 ? b : a)(`/ticket/${tickets[i]}/enviar-mensaje`, { body: { mensaje: body } });
        expect(response.status).toBe(503);
        expected.get(phone)!.push(body);
      }
    }
    await a('/api/simulator/connection', { body: { state: 'ready' } });
    await until(async () => (await records(a)).length >= 5, 60_000);
    await first.kill();
    const killedAt = Date.now();
    await until(async () => (await (await b('/api/whatsapp/status')).json()).titular === true, 40_000);
    const takeoverMs = Date.now() - killedAt;
    console.log(`[multi-process] takeover after SIGKILL: ${takeoverMs} ms (LEASE_TTL_MS=${env.LEASE_TTL_MS}); sent before the kill: ${(await records(b)).length}`);
    expect(takeoverMs).toBeLessThan(30_000);

    const total = PHONES.length * PER_PHONE;
    await until(async () => (await records(b)).length >= total, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // nothing more may arrive
    const sent = await records(b);
    for (const phone of PHONES) expect(sent.filter((r) => r.to === phone).map((r) => r.body)).toEqual(expected.get(phone));
    expect(sent).toHaveLength(total);
    await second.stop();
    for (const dir of [dataDir, otherDir]) fs.rmSync(dir, { recursive: true, force: true });
  });
});
