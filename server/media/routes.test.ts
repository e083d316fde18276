import { describe, expect, it } from 'vitest';
import { buildTestApp, createTicket } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { pdf, smallPng } from '../../test/support/files.ts';
import { insertAttachment } from '../messages/attachments.ts';

const t = useTestApp();

/** Files an entry with the bytes as its attachment, the way an upload or an inbound file does. */
async function fileAttachment(bytes: Buffer, mimetype: string, filename: string): Promise<number> {
  const ticket = await createTicket(t);
  const sha256 = await t.app.puente.media.put(bytes);
  const message = await t.app.puente.db.prisma.message.create({
    data: { ticketId: ticket.id, role: 'user', content: '', timestamp: new Date().toISOString(), kind: 'document' },
  });
  return t.app.puente.db.writeNow(() => insertAttachment(t.app.puente.db, { sha256, mimetype, filename, bytes: bytes.length, messageId: message.id }));
}

describe('GET /api/adjuntos/:id', () => {
  it('401 without a session or token', async () => {
    const id = await fileAttachment(await pdf(), 'application/pdf', 'guia.pdf');
    const response = await t.app.inject({ method: 'GET', url: `/api/adjuntos/${id}` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: expect.any(String) });
  });

  it('404 for an id with no attachment, 400 for one that is not a number', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/adjuntos/999', headers: t.admin })).json()).toMatchObject({ error: 'no_encontrado' });
    expect((await t.app.inject({ method: 'GET', url: '/api/adjuntos/x', headers: t.admin })).statusCode).toBe(400);
  });

  it('serves a document as a download with its stored bytes, nosniff and a sandbox', async () => {
    const bytes = await pdf();
    const id = await fileAttachment(bytes, 'application/pdf', 'guía de instalación.pdf');
    const response = await t.app.inject({ method: 'GET', url: `/api/adjuntos/${id}`, headers: t.admin });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(bytes)).toBe(true);
    expect(response.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(bytes.length),
      'x-content-type-options': 'nosniff',
      'content-disposition': `attachment; filename="guia de instalacion.pdf"; filename*=UTF-8''gu%C3%ADa%20de%20instalaci%C3%B3n.pdf`,
    });
    expect(response.headers['content-security-policy']).toContain('sandbox');
  });

  it('serves an image inline', async () => {
    const id = await fileAttachment(await smallPng(), 'image/png', 'captura.png');
    const response = await t.app.inject({ method: 'GET', url: `/api/adjuntos/${id}`, headers: t.admin });
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['content-disposition']).toMatch(/^inline; filename="captura.png"/);
  });

  it('serves one byte range (206) so audio and video seek; 416 past the end; the whole file without Range', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const id = await fileAttachment(bytes, 'audio/ogg', 'nota de voz.ogg');
    const get = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: `/api/adjuntos/${id}`, headers: { ...t.admin, ...headers } });

    const part = await get({ range: 'bytes=1000-1999' });
    expect(part.statusCode).toBe(206);
    expect(part.headers).toMatchObject({ 'content-range': 'bytes 1000-1999/5000', 'content-length': '1000', 'content-type': 'audio/ogg', 'accept-ranges': 'bytes' });
    expect(part.rawPayload.equals(bytes.subarray(1000, 2000))).toBe(true);

    const tail = await get({ range: 'bytes=-100' });
    expect(tail.headers['content-range']).toBe('bytes 4900-4999/5000');
    expect(tail.rawPayload.equals(bytes.subarray(4900))).toBe(true);

    const beyond = await get({ range: 'bytes=5000-' });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */5000');
    expect(beyond.json()).toEqual({ error: 'rango_no_valido', mensaje: expect.stringContaining('5000 bytes') });

    // If-Range naming another version, or several ranges: the whole file, as HTTP allows.
    const wholeFile: Record<string, string>[] = [{ range: 'bytes=0-9', 'if-range': '"otro"' }, { range: 'bytes=0-9,20-29' }, {}];
    for (const headers of wholeFile) {
      const whole = await get(headers);
      expect(whole.statusCode).toBe(200);
      expect(whole.rawPayload.equals(bytes)).toBe(true);
    }
    // Still only for a signed-in console or token.
    expect((await t.app.inject({ method: 'GET', url: `/api/adjuntos/${id}`, headers: { range: 'bytes=0-9' } })).statusCode).toBe(401);
  });

  it('GET /api/adjuntos/uso counts each stored file once, 401 without a session', async () => {
    const bytes = await pdf();
    await fileAttachment(bytes, 'application/pdf', 'a.pdf');
    await fileAttachment(bytes, 'application/pdf', 'b.pdf');
    expect((await t.app.inject({ method: 'GET', url: '/api/adjuntos/uso' })).statusCode).toBe(401);
    const usage = await t.app.inject({ method: 'GET', url: '/api/adjuntos/uso', headers: t.admin });
    expect(usage.json()).toEqual({ archivos: 1, bytes: bytes.length, limite: 5120 * 1024 * 1024 });
  });

  it('a restart sweeps a file that never got its row, and keeps the ones that did', async () => {
    const id = await fileAttachment(await pdf(), 'application/pdf', 'guia.pdf');
    const orphan = await t.app.puente.media.put(Buffer.from('written, then the process died'));
    const dataDir = t.dataDir;
    await t.app.close();
    t.replace(await buildTestApp({}, { dataDir }));
    expect(t.app.puente.media.has(orphan)).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: `/api/adjuntos/${id}`, headers: t.admin })).statusCode).toBe(200);
  });
});
