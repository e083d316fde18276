import { describe, expect, it } from 'vitest';
import { buildTestApp, eventually } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import sharp from 'sharp';
import { pdf, pdfOfSize, photoWithGps, smallPng } from '../../test/support/files.ts';
import { MediaStore } from './store.ts';

const t = useTestApp({ AUTO_ACK: 'off' });

const PHONE = '+5214771112233';
const inbound = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/simulator/inbound', headers: t.admin, payload: { from: PHONE, ...payload } });

async function entries() {
  const ticket = await t.app.puente.db.prisma.ticket.findFirstOrThrow();
  return (await t.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: t.admin })).json().historial as Record<string, any>[];
}

describe('inbound files', () => {
  it('files a photo with its caption, downloads it on arrival and serves the same bytes', async () => {
    const bytes = await smallPng();
    const response = await inbound({ body: 'así sale la pantalla', media: { base64: bytes.toString('base64'), mimetype: 'image/png', filename: 'pantalla.png' } });
    expect(response.json()).toEqual({ outcome: 'filed' });
    const entry = (await eventually(async () => (await entries()).find((e) => e.adjunto)))!;
    expect(entry).toMatchObject({ role: 'user', kind: 'image', content: 'así sale la pantalla' });
    expect(entry.adjunto).toEqual({ id: expect.any(Number), nombre: 'pantalla.png', tipo: 'image/png', bytes: bytes.length, url: `/api/adjuntos/${entry.adjunto.id}` });
    expect(entry.adjunto_pendiente).toBeUndefined();
    const download = await t.app.inject({ method: 'GET', url: entry.adjunto.url, headers: t.admin });
    expect(download.rawPayload.equals(bytes)).toBe(true);
    const ticket = await t.app.puente.db.prisma.ticket.findFirstOrThrow();
    expect(ticket.subject).toBe('[Imagen] así sale la pantalla');
  });

  // A real image through sharp both ways: slow on a loaded machine, hence the longer limit.
  it('a received photo loses its EXIF and GPS but keeps its size', { timeout: 60_000 }, async () => {
    const bytes = await photoWithGps(2000, 1200);
    expect((await sharp(bytes).metadata()).exif).toBeDefined();
    await inbound({ media: { base64: bytes.toString('base64'), mimetype: 'image/jpeg', filename: 'foto.jpg' } });
    const entry = (await eventually(async () => (await entries()).find((e) => e.adjunto)))!;
    const download = await t.app.inject({ method: 'GET', url: entry.adjunto.url, headers: t.admin });
    const meta = await sharp(download.rawPayload).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 2000, height: 1200 }); // over 1920: an upload would have been scaled
    expect(meta.exif).toBeUndefined();
    expect(download.rawPayload.includes(Buffer.from('PuentePhone'))).toBe(false);
    expect(entry.adjunto).toMatchObject({ tipo: 'image/jpeg', bytes: download.rawPayload.length });
  });

  it('a received file that does not fit in MEDIA_MAX_MB keeps its entry, says why and is retried', async () => {
    await t.close();
    t.replace(await buildTestApp({ AUTO_ACK: 'off', MEDIA_MAX_MB: '1' }));
    const big = await pdfOfSize(1024 * 1024 + 1);
    await inbound({ media: { base64: big.toString('base64'), mimetype: 'application/pdf', filename: 'grande.pdf' } });
    const marked = (await eventually(async () => (await entries()).find((e) => /lleno/.test(String(e.adjunto_pendiente)))))!;
    expect(marked.adjunto).toBeUndefined();
    expect(await t.app.puente.db.prisma.attachment.count()).toBe(0);
    expect(t.app.puente.media.has(MediaStore.sha256(big))).toBe(false);
  });

  it('files a location as ubicacion', async () => {
    await inbound({ location: { lat: 21.1219, lng: -101.6869 } });
    const [entry] = await entries();
    expect(entry).toMatchObject({ kind: 'location', ubicacion: { lat: 21.1219, lng: -101.6869 } });
  });

  it('a failed download keeps the entry marked with the reason, and a retry attaches the file', async () => {
    const original = t.simulator.downloadMedia.bind(t.simulator);
    t.simulator.downloadMedia = async () => {
      throw new Error('network down');
    };
    const bytes = await pdf();
    await inbound({ media: { base64: bytes.toString('base64'), mimetype: 'application/pdf', filename: 'factura.pdf' } });
    const marked = (await eventually(async () => (await entries()).find((e) => /reintentará/.test(String(e.adjunto_pendiente)))))!;
    expect(marked).toMatchObject({ kind: 'document', content: '' });
    expect(marked.adjunto).toBeUndefined();
    // The try count is the service's bookkeeping: stored, never on the wire (docs/api.md's Entry).
    expect(Object.keys(marked).filter((key) => key.startsWith('adjunto'))).toEqual(['adjunto_pendiente']);
    const row = await t.app.puente.db.prisma.message.findUniqueOrThrow({ where: { id: marked.id } });
    expect(JSON.parse(row.extra!)).toMatchObject({ adjunto_intentos: 1 });
    t.simulator.downloadMedia = original;
    expect(await t.app.puente.inboundFiles.retryPending()).toBe(1);
    const [entry] = await entries();
    expect(entry.adjunto).toMatchObject({ nombre: 'factura.pdf', tipo: 'application/pdf', bytes: bytes.length });
    expect(entry.adjunto_pendiente).toBeUndefined();
    expect(await t.app.puente.inboundFiles.retryPending()).toBe(0);
  });

  it('a received HTML page claiming to be a PDF is stored as opaque bytes and only ever downloaded', async () => {
    const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
    await inbound({ media: { base64: html.toString('base64'), mimetype: 'application/pdf', filename: 'factura.pdf' } });
    const entry = (await eventually(async () => (await entries()).find((e) => e.adjunto)))!;
    expect(entry.adjunto.tipo).toBe('application/octet-stream');
    const download = await t.app.inject({ method: 'GET', url: entry.adjunto.url, headers: t.admin });
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(t.app.puente.media.has(MediaStore.sha256(html))).toBe(true);
  });

  it('400 for a simulated message with neither text, file nor location', async () => {
    expect((await inbound({})).statusCode).toBe(400);
    expect((await inbound({ media: { base64: '###', mimetype: 'image/png' } })).statusCode).toBe(400);
  });
});
