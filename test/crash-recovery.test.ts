import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.ts';
import { client, integrationToken, startService, type Client, type RunningService } from './support/service.ts';

/**
 * The promise that matters most: a reply the service stored reaches the end user exactly once,
 * in order, even when the process is killed with SIGKILL in the middle of draining a backlog.
 */
const PHONES = ['+5214770000001', '+5214770000002', '+5215580000003'];
const PER_PHONE = 12;
const KILLS = 4;
const env = { SEND_RATE_PER_MINUTE: '900', SEND_TIMEOUT_MS: '2000' };

let service: RunningService | undefined;
afterAll(async () => {
  await service?.kill();
});

type Sent = { to: string; body: string };

let authorization = '';
const api = (svc: RunningService): Client => client(svc.url, { authorization });
const sentSoFar = async (svc: RunningService): Promise<Sent[]> => (await api(svc)('/api/simulator/sent')).json();

describe('a service killed with SIGKILL mid-drain', () => {
  it('delivers every stored reply exactly once, in order, after each restart', { timeout: 240_000 }, async () => {
    service = await startService({ env, npmStart: process.env.PUENTE_E2E_NPM_START !== '0' });
    const { dataDir, admin } = service;
    authorization = `Bearer ${await integrationToken(service)}`;
    const first = api(service);
    const tickets: number[] = [];
    for (const phone of PHONES) {
      const created = await first('/api/tickets', { body: { phone, subject: `Caso ${phone}` } });
      tickets.push((await created.json()).id);
    }

    await first('/api/simulator/connection', { body: { state: 'disconnected' } });
    const expected = new Map<string, string[]>(PHONES.map((phone) => [phone, []]));
    for (let n = 0; n < PER_PHONE; n++) {
      for (const [i, phone] of PHONES.entries()) {
        const body = `respuesta ${n} para ${phone}`;
        const response = await first(`/ticket/${tickets[i]}/enviar-mensaje`, { body: { mensaje: body } });
        expect(response.status).toBe(503);
        expected.get(phone)!.push(body);
      }
    }
    await first('/api/simulator/connection', { body: { state: 'ready' } });

    const total = PHONES.length * PER_PHONE;
    for (let kill = 1; kill <= KILLS; kill++) {
      const target = Math.floor((total * kill) / (KILLS + 1));
      const svc = service;
      await eventually(async () => (await sentSoFar(svc)).length >= target, 60_000);
      await service.kill();
      service = await startService({ env, dataDir, admin, npmStart: false });
    }

    const last = service;
    await eventually(async () => (await sentSoFar(last)).length >= total, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show up
    const sent = await sentSoFar(last);
    expect(sent).toHaveLength(total);
    for (const phone of PHONES) {
      expect(sent.filter((record) => record.to === phone).map((record) => record.body)).toEqual(expected.get(phone));
    }
    for (const id of tickets) {
      const { historial } = await (await api(last)(`/ticket/${id}/conversacion`)).json();
      expect(historial.every((entry: { delivery: string }) => ['sent', 'delivered', 'read'].includes(entry.delivery))).toBe(true);
    }
  });
});
