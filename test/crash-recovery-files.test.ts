import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { pdf, smallPng } from './support/files.ts';
import { eventually } from './support/eventually.ts';
import { client, integrationToken, startService, type Client, type RunningService } from './support/service.ts';

/**
 * The kill -9 promise with files in the backlog: replies carrying files, queued while the link is
 * down, reach the phone exactly once, in order, with the stored bytes intact, across SIGKILLs in
 * the middle of the drain; and an upload cut by a kill leaves either its whole entry or nothing.
 */
const PHONES = ['+5214770000101', '+5215580000102'];
const env = { SEND_RATE_PER_MINUTE: '600', SEND_TIMEOUT_MS: '3000' };
const KILLS = 3;

let service: RunningService | undefined;
afterAll(async () => {
  await service?.kill();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Sent {
  to: string;
  body: string;
  media?: { mimetype: string; filename: string; bytes: number; sha256: string };
}
interface Reply {
  body: string;
  file?: { name: string; type: string; bytes: Buffer };
}

let authorization = '';
const api = (svc: RunningService): Client => client(svc.url, { authorization });
const sentSoFar = async (svc: RunningService): Promise<Sent[]> => (await api(svc)('/api/simulator/sent')).json();

function post(svc: RunningService, ticketId: number, reply: Reply): Promise<Response> {
  if (!reply.file) return api(svc)(`/ticket/${ticketId}/enviar-mensaje`, { body: { mensaje: reply.body } });
  const form = new FormData();
  if (reply.body) form.set('mensaje', reply.body);
  form.set('archivo', new Blob([new Uint8Array(reply.file.bytes)], { type: reply.file.type }), reply.file.name);
  return fetch(`${svc.url}/ticket/${ticketId}/enviar-archivo`, { method: 'POST', headers: { authorization }, body: form });
}

/** What the phone should see for a reply: its caption and, for a file, the bytes' hash. */
const seen = (reply: Reply) => ({ body: reply.body, sha256: reply.file ? sha256(reply.file.bytes) : null });
const seenOnPhone = (record: Sent) => ({ body: record.body, sha256: record.media?.sha256 ?? null });

describe('a service killed with SIGKILL while it drains replies with files', () => {
  it('sends each file exactly once, in order, bytes intact; no orphan file, no half row', { timeout: 300_000 }, async () => {
    service = await startService({ env, npmStart: false });
    const { dataDir, admin } = service;
    authorization = `Bearer ${await integrationToken(service)}`;
    const tickets: number[] = [];
    for (const phone of PHONES) tickets.push((await (await api(service)('/api/tickets', { body: { phone, subject: `Caso ${phone}` } })).json()).id);

    // Per chat: text and files interleaved, and two identical files with no caption in a row.
    const sameGuide = await pdf('La misma guía, dos veces');
    const backlog = new Map<string, Reply[]>();
    for (const [i, phone] of PHONES.entries()) {
      backlog.set(phone, [
        { body: `hola ${i}` },
        { body: `guía ${i}`, file: { name: `guia-${i}.pdf`, type: 'application/pdf', bytes: await pdf(`Guía ${i}`) } },
        { body: '', file: { name: `captura-${i}.png`, type: 'image/png', bytes: await smallPng(100 + i, 50) } },
        { body: `texto ${i}` },
        { body: '', file: { name: 'misma.pdf', type: 'application/pdf', bytes: sameGuide } },
        { body: '', file: { name: 'misma.pdf', type: 'application/pdf', bytes: sameGuide } },
        { body: `pie ${i}`, file: { name: `foto-${i}.png`, type: 'image/png', bytes: await smallPng(60, 40 + i) } },
        { body: `adiós ${i}` },
      ]);
    }
    await api(service)('/api/simulator/connection', { body: { state: 'disconnected' } });
    for (let n = 0; n < 8; n++) {
      for (const [i, phone] of PHONES.entries()) {
        const response = await post(service, tickets[i], backlog.get(phone)![n]);
        expect(response.status).toBe(503);
      }
    }
    await api(service)('/api/simulator/connection', { body: { state: 'ready' } });

    // Kill mid-drain; each time an upload is in flight, so some kills cut one between its file and its row.
    const total = PHONES.length * 8;
    const cut: Reply[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      const target = Math.floor((total * kill) / (KILLS + 1));
      const svc = service;
      await eventually(async () => (await sentSoFar(svc)).length >= target, 90_000);
      const reply: Reply = { body: `cortado ${kill}`, file: { name: `cortado-${kill}.pdf`, type: 'application/pdf', bytes: await pdf(`Cortado ${kill} ${'x'.repeat(2000 * kill)}`) } };
      cut.push(reply);
      void post(svc, tickets[0], reply).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 15 * kill));
      await service.kill();
      service = await startService({ env, dataDir, admin, npmStart: false });
    }

    // An upload the kill cut either committed (then it is a reply like any other) or left nothing.
    const db = new Database(path.join(dataDir, 'puente.db'), { readonly: true });
    const stored = (caption: string) => Boolean(db.prepare('SELECT 1 FROM Message WHERE content = ?').get(caption));
    const expected = new Map(PHONES.map((phone) => [phone, backlog.get(phone)!.map(seen)]));
    const committed = cut.filter((reply) => stored(reply.body));
    expected.get(PHONES[0])!.push(...committed.map(seen));
    const expectedTotal = total + committed.length;
    console.info(`[crash-recovery-files] uploads cut by a kill that had committed: ${committed.length} of ${cut.length}`);

    const last = service;
    await eventually(async () => (await sentSoFar(last)).length >= expectedTotal, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 700)); // room for a duplicate to show up
    const sent = await sentSoFar(last);
    expect(sent).toHaveLength(expectedTotal);
    for (const phone of PHONES) {
      const onPhone = sent.filter((record) => record.to === phone).map(seenOnPhone);
      // The cut uploads are sent after the backlog they queued behind, in the order they committed.
      expect(onPhone.slice(0, 8)).toEqual(expected.get(phone)!.slice(0, 8));
      expect(onPhone.slice(8)).toEqual(expected.get(phone)!.slice(8));
    }

    // Every file-carrying entry has its row and its file; the served bytes are what reached the phone.
    const mediaDir = path.join(dataDir, 'media');
    const rows = db
      .prepare(`SELECT m.id AS messageId, m.content, m.kind, a.id AS attachmentId, a.sha256, a.bytes, m.delivery
                FROM Message m LEFT JOIN Attachment a ON a.messageId = m.id WHERE m.role = 'tecnico' ORDER BY m.id`)
      .all() as { messageId: number; content: string; attachmentId: number | null; sha256: string | null; bytes: number | null; delivery: string }[];
    expect(rows.every((row) => ['sent', 'delivered', 'read'].includes(row.delivery))).toBe(true);
    const withFiles = rows.filter((row) => row.attachmentId !== null);
    expect(withFiles).toHaveLength(PHONES.length * 5 + committed.length);
    for (const row of withFiles) {
      const onDisk = fs.readFileSync(path.join(mediaDir, row.sha256!));
      expect(sha256(onDisk)).toBe(row.sha256);
      expect(onDisk.length).toBe(row.bytes);
      const served = Buffer.from(await (await api(last)(`/api/adjuntos/${row.attachmentId}`)).arrayBuffer());
      expect(sha256(served)).toBe(row.sha256);
    }
    // No orphan: the store holds exactly the files rows refer to (the restart swept the rest), and no temporaries.
    const files = fs.readdirSync(mediaDir).filter((name) => name !== 'tmp').sort();
    expect(files).toEqual([...new Set(withFiles.map((row) => row.sha256!))].sort());
    expect(fs.readdirSync(path.join(mediaDir, 'tmp'))).toEqual([]);
    db.close();
  });
});
