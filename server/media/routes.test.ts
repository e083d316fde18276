import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, type TestApp } from '../../test/support/app.ts';
import { pdf, smallPng } from '../../test/support/files.ts';
import { insertAttachment } from '../messages/attachments.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

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

  it('GET /api/adjuntos/uso counts each stored file once, 401 without a session', async () => {
    const bytes = await pdf();
    await fileAttachment(bytes, 'application/pdf', 'a.pdf');
    await fileAttachment(bytes, 'application/pdf', 'b.pdf');
    expect((await t.app.inject({ method: 'GET', url: '/api/adjuntos/uso' })).statusCode).toBe(401);
    const usage = await t.app.inject({ method: 'GET', url: '/api/adjuntos/uso', headers: t.admin });
    expect(usage.json()).toEqual({ archivos: 1, bytes: bytes.length });
  });

  it('a restart sweeps a file that never got its row, and keeps the ones that did', async () => {
    const id = await fileAttachment(await pdf(), 'application/pdf', 'guia.pdf');
    const orphan = await t.app.puente.media.put(Buffer.from('written, then the process died'));
    const dataDir = t.dataDir;
    await t.app.close();
    t = await buildTestApp({}, { dataDir });
    expect(t.app.puente.media.has(orphan)).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: `/api/adjuntos/${id}`, headers: t.admin })).statusCode).toBe(200);
  });
});
