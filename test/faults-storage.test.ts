import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from './support/app.ts';
import { faultyFs } from './support/faulty-fs.ts';
import { multipartBody, pdf } from './support/files.ts';

// The disk full (ENOSPC) or DATA_DIR read-only (EROFS), injected at the media store's file system
// (test/support/faulty-fs.ts): tests run as root, whom chmod does not stop.
let t: TestApp;
let disk: ReturnType<typeof faultyFs>;
let ticket: { id: number; phone: string };

beforeEach(async () => {
  disk = faultyFs();
  t = await buildTestApp({ AUTO_ACK: 'off' }, { mediaFs: disk.fs, storageProbeMs: 50 });
  ticket = await createTicket(t);
});
afterEach(() => t.close());

const upload = async (name = 'guia.pdf', bytes?: Buffer) => {
  const body = multipartBody([{ name: 'archivo', filename: name, bytes: bytes ?? (await pdf()), type: 'application/pdf' }]);
  return t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-archivo`, headers: { ...t.admin, ...body.headers }, payload: body.payload });
};
const reply = (mensaje: string) => t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: t.admin, payload: { mensaje } });
const detail = async () => (await t.app.inject({ method: 'GET', url: '/healthz?detalle=1', headers: t.admin })).json().detalle;
const storedFiles = () => fs.readdirSync(t.app.puente.media.dir).filter((name) => name !== 'tmp');

describe('disk full (ENOSPC)', () => {
  it('an upload answers 507 in Spanish and stores nothing; text replies still go; the detail says so and clears by itself', async () => {
    disk.fail('ENOSPC');
    const refused = await upload();
    expect(refused.statusCode).toBe(507);
    expect(refused.json()).toEqual({ error: 'almacenamiento_lleno', mensaje: expect.stringMatching(/disco del servidor está lleno/) });
    expect(await t.app.puente.db.prisma.message.count()).toBe(0);
    expect(await t.app.puente.db.prisma.attachment.count()).toBe(0);
    expect(storedFiles()).toEqual([]);
    expect(fs.readdirSync(`${t.app.puente.media.dir}/tmp`)).toEqual([]);

    expect((await reply('Le escribo por texto mientras tanto')).statusCode).toBe(200);
    expect((await detail()).almacenamiento).toMatchObject({ estado: 'lleno', mensaje: expect.stringMatching(/lleno/) });
    const status = (await t.app.inject({ method: 'GET', url: '/api/whatsapp/status', headers: t.admin })).json();
    expect(status.salud.almacenamiento.estado).toBe('lleno');

    disk.heal();
    // The probe notices the disk takes writes again; nobody had to upload first.
    await eventually(async () => (await detail()).almacenamiento.estado === 'ok');
    expect((await upload()).statusCode).toBe(200);
    expect(storedFiles()).toHaveLength(1);
  });

  it('a received file keeps its entry, is not counted as a failed try, and is attached once the disk has room', async () => {
    disk.fail('ENOSPC');
    const bytes = await pdf('factura');
    await t.app.inject({
      method: 'POST',
      url: '/api/simulator/inbound',
      headers: t.admin,
      payload: { from: ticket.phone, body: 'la factura', media: { base64: bytes.toString('base64'), mimetype: 'application/pdf', filename: 'factura.pdf' } },
    });
    const waiting = (await eventually(async () => {
      const row = await t.app.puente.db.prisma.message.findFirst({ where: { role: 'user' } });
      return row && JSON.parse(row.extra ?? '{}').adjunto_pendiente?.includes('lleno') ? row : undefined;
    }))!;
    expect(waiting.content).toBe('la factura');
    expect(JSON.parse(waiting.extra!).adjunto_intentos).toBeUndefined();
    expect(storedFiles()).toEqual([]);

    disk.heal();
    const attached = await eventually(async () => (await t.app.puente.db.prisma.attachment.findFirst()) ?? undefined);
    expect(attached).toMatchObject({ messageId: waiting.id, filename: 'factura.pdf', bytes: bytes.length });
    expect(JSON.parse((await t.app.puente.db.prisma.message.findUniqueOrThrow({ where: { id: waiting.id } })).extra!).adjunto_pendiente).toBeUndefined();
  });
});

describe('read-only DATA_DIR (EROFS)', () => {
  it('an upload answers 503 almacenamiento_no_disponible, nothing stored; the detail says solo_lectura until a write works', async () => {
    disk.fail('EROFS');
    const refused = await upload();
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toEqual({ error: 'almacenamiento_no_disponible', mensaje: expect.stringMatching(/no admite escritura/) });
    expect(await t.app.puente.db.prisma.message.count()).toBe(0);
    expect(storedFiles()).toEqual([]);
    expect((await reply('Por texto sí llega')).statusCode).toBe(200);
    expect((await detail()).almacenamiento.estado).toBe('solo_lectura');
    disk.heal();
    await eventually(async () => (await detail()).almacenamiento.estado === 'ok');
  });
});

describe('GET /healthz?detalle=1', () => {
  it('anonymous callers get the plain body; signed-in ones every part, all ok on a healthy service', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/healthz?detalle=1' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ status: 'ok', whatsapp: 'ready' });
    const signedIn = (await t.app.inject({ method: 'GET', url: '/healthz?detalle=1', headers: t.admin })).json();
    expect(signedIn).toEqual({
      status: 'ok',
      whatsapp: 'ready',
      detalle: {
        almacenamiento: { estado: 'ok', mensaje: expect.any(String) },
        base_de_datos: { estado: 'ok', mensaje: expect.any(String) },
        whatsapp: { estado: 'ready', mensaje: expect.any(String) },
        reloj: { estado: 'ok', mensaje: expect.any(String) },
      },
    });
  });
});
