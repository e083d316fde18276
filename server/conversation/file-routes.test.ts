import fs from 'node:fs';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, historyRows, setConnection } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { docx, exe, multipartBody, pdf, pdfOfSize, photoWithGps, pixelFloodPng } from '../../test/support/files.ts';
import { MediaStore } from '../media/store.ts';

const t = useTestApp();
let ticket: { id: number; phone: string };

beforeEach(async () => {
  ticket = await createTicket(t);
});

type Part = Parameters<typeof multipartBody>[0][number];

const upload = (parts: Part[], options: { id?: number; headers?: Record<string, string> } = {}) => {
  const body = multipartBody(parts);
  return t.app.inject({
    method: 'POST',
    url: `/ticket/${options.id ?? ticket.id}/enviar-archivo`,
    headers: { ...t.admin, ...body.headers, ...options.headers },
    payload: body.payload,
  });
};
const file = (bytes: Buffer, filename: string, type?: string): Part => ({ name: 'archivo', filename, bytes, type });
const connection = (state: string) => setConnection(t, state);

/** Nothing behind: no entry, no attachment row, no file in the store. */
async function expectNothingStored() {
  expect(await t.app.puente.db.prisma.message.count()).toBe(0);
  expect(await t.app.puente.db.prisma.attachment.count()).toBe(0);
  expect(fs.readdirSync(t.app.puente.media.dir).filter((name) => name !== 'tmp')).toEqual([]);
  expect(fs.readdirSync(`${t.app.puente.media.dir}/tmp`)).toEqual([]);
}

describe('POST /ticket/:id/enviar-archivo', () => {
  it('401 without a session or token, and stores nothing', async () => {
    const body = multipartBody([file(await pdf(), 'guia.pdf')]);
    const response = await t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-archivo`, headers: body.headers, payload: body.payload });
    expect(response.statusCode).toBe(401);
    await expectNothingStored();
  });

  it('200 with the adjunto: stored first, then the same bytes reach the phone with the caption', async () => {
    const bytes = await pdf();
    const response = await upload([{ name: 'mensaje', value: 'Aquí la guía 📄' }, file(bytes, 'Guía de instalación.pdf', 'application/pdf')]);
    expect(response.statusCode).toBe(200);
    const attachment = await t.app.puente.db.prisma.attachment.findFirstOrThrow();
    expect(response.json()).toEqual({
      status: 'enviado',
      ticket_id: ticket.id,
      telefono: ticket.phone,
      mensaje: 'Mensaje enviado correctamente',
      adjunto: { id: attachment.id, nombre: 'Guía de instalación.pdf', tipo: 'application/pdf', bytes: bytes.length, url: `/api/adjuntos/${attachment.id}` },
    });
    const [row] = await historyRows(t, ticket.id);
    expect(row).toMatchObject({ role: 'tecnico', content: 'Aquí la guía 📄', kind: 'document', delivery: 'sent' });
    expect(attachment).toMatchObject({ messageId: row.id, sha256: MediaStore.sha256(bytes) });
    expect(await t.simulator.sent()).toEqual([
      expect.objectContaining({
        to: ticket.phone,
        body: 'Aquí la guía 📄',
        media: { mimetype: 'application/pdf', filename: 'Guía de instalación.pdf', bytes: bytes.length, sha256: MediaStore.sha256(bytes) },
      }),
    ]);
    const history = (await t.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: t.admin })).json();
    expect(history.historial[0]).toMatchObject({ role: 'tecnico', content: 'Aquí la guía 📄', adjunto: response.json().adjunto });
    const download = await t.app.inject({ method: 'GET', url: `/api/adjuntos/${attachment.id}`, headers: t.admin });
    expect(download.rawPayload.equals(bytes)).toBe(true);
  });

  it('sends a large photo scaled and without its GPS: what is stored is what is sent', async () => {
    const response = await upload([file(await photoWithGps(), 'IMG_0042.JPG', 'image/jpeg')]);
    expect(response.statusCode).toBe(200);
    expect(response.json().adjunto).toMatchObject({ nombre: 'IMG_0042.jpg', tipo: 'image/jpeg' });
    const attachment = await t.app.puente.db.prisma.attachment.findFirstOrThrow();
    const stored = fs.readFileSync(t.app.puente.media.pathOf(attachment.sha256));
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([1920, 1440, undefined]);
    expect((await t.simulator.sent())[0]).toMatchObject({ body: '', media: { sha256: attachment.sha256, bytes: stored.length } });
    expect((await historyRows(t, ticket.id))[0]).toMatchObject({ kind: 'image', content: '' });
  });

  it('accepts a Word document by its content', async () => {
    const response = await upload([file(docx(), 'carta.docx')]);
    expect(response.statusCode).toBe(200);
    expect(response.json().adjunto.tipo).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('415 tipo_no_permitido for an executable renamed to .pdf, with nothing stored', async () => {
    const response = await upload([file(exe(), 'factura.pdf', 'application/pdf')]);
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({ error: 'tipo_no_permitido', mensaje: expect.stringMatching(/no permitido/) });
    await expectNothingStored();
    expect(await t.simulator.sent()).toEqual([]);
  });

  it('415 when the name says one type and the content another', async () => {
    const response = await upload([file(await pdf(), 'foto.jpg', 'image/jpeg')]);
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toBe('tipo_no_permitido');
    await expectNothingStored();
  });

  it('413 archivo_demasiado_grande for 10 MB + 1 byte, with nothing stored', async () => {
    const response = await upload([file(await pdfOfSize(10 * 1024 * 1024 + 1), 'grande.pdf')]);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'archivo_demasiado_grande', mensaje: expect.stringMatching(/10 MB/) });
    await expectNothingStored();
  });

  it('413 for a pixel flood, refused before it is decoded', async () => {
    const response = await upload([file(pixelFloodPng(), 'bomba.png')]);
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toBe('archivo_demasiado_grande');
    await expectNothingStored();
  });

  it.each([
    ['no file at all', [{ name: 'mensaje', value: 'hola' }]],
    ['the file under another field', [{ name: 'foto', filename: 'a.pdf', bytes: Buffer.from('%PDF-1.4') }]],
    ['an empty file', [{ name: 'archivo', filename: 'vacio.pdf', bytes: Buffer.alloc(0) }]],
  ] as [string, Part[]][])('400 for %s, with nothing stored', async (_, parts) => {
    const response = await upload(parts);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.any(String) });
    await expectNothingStored();
  });

  it('400 for a JSON body: files come as multipart', async () => {
    const response = await t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-archivo`, headers: t.admin, payload: { archivo: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().mensaje).toMatch(/multipart/);
  });

  // Found by test/fuzz-multipart.test.ts: the parser's own errors (thrown before any part, or
  // when the body ends early) left as 500 error_interno.
  it.each([
    ['no boundary in the Content-Type', (body: Buffer) => ({ body, type: 'multipart/form-data' })],
    ['a boundary longer than a parser accepts', (body: Buffer) => ({ body, type: `multipart/form-data; boundary=${'b'.repeat(300)}` })],
    ['a body cut off inside the file', (body: Buffer, type: string) => ({ body: body.subarray(0, body.length - 300), type })],
    ['a body without its closing boundary', (body: Buffer, type: string) => ({ body: body.subarray(0, body.lastIndexOf('--', body.length - 5) - 2), type })],
  ] as [string, (body: Buffer, type: string) => { body: Buffer; type: string }][])('400 in Spanish for %s, with nothing stored', async (_, broken) => {
    const form = multipartBody([{ name: 'mensaje', value: 'Aquí la guía' }, file(await pdf(), 'guia.pdf', 'application/pdf')]);
    const sent = broken(form.payload, form.headers['content-type']);
    const response = await t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-archivo`, headers: { ...t.admin, 'content-type': sent.type }, payload: sent.body });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'El formulario multipart no es válido o llegó incompleto: envía el archivo de nuevo.' });
    await expectNothingStored();
  });

  it('404 for a ticket that does not exist', async () => {
    const response = await upload([file(await pdf(), 'guia.pdf')], { id: 999 });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'ticket_no_encontrado' });
    await expectNothingStored();
  });

  it('503 while WhatsApp is disconnected: file and entry kept, sent with the file when it is back', async () => {
    await connection('disconnected');
    const bytes = await pdf('en cola');
    const response = await upload([file(bytes, 'cola.pdf')]);
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toBe('whatsapp_desconectado');
    expect(await t.app.puente.db.prisma.attachment.count()).toBe(1);
    await connection('ready');
    const sent = await eventually(async () => (await t.simulator.sent())[0]);
    expect(sent.media).toMatchObject({ filename: 'cola.pdf', sha256: MediaStore.sha256(bytes) });
  });

  it('Idempotency-Key: the same upload twice is one entry, one file and one send', async () => {
    const headers = { 'idempotency-key': 'subida-1' };
    const bytes = await pdf();
    const first = await upload([file(bytes, 'guia.pdf')], { headers });
    const second = await upload([file(bytes, 'guia.pdf')], { headers });
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.json()).toEqual(first.json());
    expect(await t.app.puente.db.prisma.message.count()).toBe(1);
    expect(await t.simulator.sent()).toHaveLength(1);
  });
});

describe('storage bound (MEDIA_MAX_MB)', () => {
  it('507 almacenamiento_lleno once the store would pass the limit, with nothing new stored; the same file again still fits', async () => {
    await t.close();
    t.replace(await buildTestApp({ MEDIA_MAX_MB: '1' }));
    ticket = await createTicket(t);
    const first = await pdfOfSize(700 * 1024);
    expect((await upload([file(first, 'a.pdf')])).statusCode).toBe(200);

    const second = await pdfOfSize(400 * 1024);
    const refused = await upload([file(second, 'b.pdf')]);
    expect(refused.statusCode).toBe(507);
    expect(refused.json()).toEqual({ error: 'almacenamiento_lleno', mensaje: expect.stringContaining('lleno') });
    expect(await t.app.puente.db.prisma.attachment.count()).toBe(1);
    expect(await t.app.puente.db.prisma.message.count()).toBe(1);
    expect(t.app.puente.media.has(MediaStore.sha256(second))).toBe(false);

    // Content already stored takes no new room.
    expect((await upload([file(first, 'a otra vez.pdf')])).statusCode).toBe(200);
    const usage = await t.app.inject({ method: 'GET', url: '/api/adjuntos/uso', headers: t.admin });
    expect(usage.json()).toEqual({ archivos: 1, bytes: first.length, limite: 1024 * 1024 });
  });
});
