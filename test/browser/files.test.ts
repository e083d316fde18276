import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type Client } from '../support/service.ts';
import { pdf, photoWithGps, smallPng } from '../support/files.ts';
import { collectPageErrors, createTicket, eventually, login, row, useServiceAndBrowser } from './helpers.ts';

const shared = useServiceAndBrowser({ env: { AUTO_ACK: 'off' } });
let api: Client;

beforeAll(async () => {
  api = await adminClient(shared.service);
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface SentWithMedia {
  to: string;
  body: string;
  media?: { mimetype: string; filename: string; bytes: number; sha256: string };
}
const sentFiles = async (phone: string): Promise<SentWithMedia[]> =>
  ((await (await api('/api/simulator/sent')).json()) as SentWithMedia[]).filter((record) => record.to === phone && record.media);

describe('files in Chat en Vivo', () => {
  it('attaches with the button, pastes an image, previews both before sending, and the phone gets the same bytes', async () => {
    const ticket = await createTicket(api, { phone: '+5214775550901', name: 'Rosa', subject: 'La impresora' });
    const guide = await pdf('Guía para reiniciar la impresora');
    const screenshot = await smallPng(320, 200);

    const context = await shared.browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shared.service.url });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    await row(page, ticket.id).getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog');
    const composer = dialog.getByTestId('composer');

    // 1. The 📎 button opens the system file picker; the chosen PDF is shown before it is sent.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), composer.getByRole('button', { name: 'Adjuntar archivo' }).click()]);
    await chooser.setFiles({ name: 'Guía impresora.pdf', mimeType: 'application/pdf', buffer: guide });
    const preview = composer.getByTestId('attachment-preview');
    await expect.poll(() => preview.textContent()).toContain('Guía impresora.pdf');
    expect(await sentFiles(ticket.phone)).toEqual([]); // a preview, not a send
    await dialog.getByRole('textbox', { name: 'Mensaje' }).fill('Aquí la guía');
    await composer.getByRole('button', { name: 'Enviar' }).click();
    const download = dialog.getByTestId('attachment-download').filter({ hasText: 'Guía impresora.pdf' });
    await download.waitFor();
    await preview.waitFor({ state: 'detached' });
    const [pdfSent] = await eventually(async () => (await sentFiles(ticket.phone)).length === 1 && sentFiles(ticket.phone), 'the PDF on the phone');
    expect(pdfSent).toMatchObject({ body: 'Aquí la guía', media: { mimetype: 'application/pdf', filename: 'Guía impresora.pdf', bytes: guide.length, sha256: sha256(guide) } });

    // 2. A screenshot on the real clipboard, pasted into the message box with Ctrl+V.
    await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
    }, screenshot.toString('base64'));
    const textbox = dialog.getByRole('textbox', { name: 'Mensaje' });
    await textbox.focus();
    await page.keyboard.press('ControlOrMeta+V');
    const thumbBefore = preview.locator('img');
    await thumbBefore.waitFor();
    // The preview draws the pasted pixels (a blob: URL of the local file, nothing uploaded yet).
    expect(await thumbBefore.evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.src.slice(0, 5)]))).toEqual([320, 'blob:']);
    expect(await sentFiles(ticket.phone)).toHaveLength(1);
    await textbox.press('Enter');

    // 3. The sent image shows as a thumbnail served by /api/adjuntos with the session, and opens in a preview.
    const thumb = dialog.getByTestId('attachment-thumb');
    await thumb.waitFor();
    const thumbImg = thumb.locator('img');
    expect(await thumbImg.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(320);
    expect(await thumbImg.getAttribute('src')).toMatch(/^\/api\/adjuntos\/\d+$/);
    await thumb.click();
    const modal = page.getByTestId('image-preview');
    await modal.waitFor();
    expect(await modal.getAttribute('role')).toBe('dialog');
    expect(await modal.locator('img').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalHeight))).toBe(200);
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });
    await dialog.getByTestId('composer').waitFor(); // Esc closed the preview, not the chat

    const files = await eventually(async () => (await sentFiles(ticket.phone)).length === 2 && sentFiles(ticket.phone), 'the screenshot on the phone');
    // The clipboard hands over its own PNG encoding of the pixels: what reached the phone must be
    // exactly what the service stored and serves for that entry.
    const stored = Buffer.from(await (await api((await thumbImg.getAttribute('src'))!)).arrayBuffer());
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'png', width: 320, height: 200 });
    expect(files[1]).toMatchObject({ body: '', media: { mimetype: 'image/png', bytes: stored.length, sha256: sha256(stored) } });
    expect(files[1].media!.filename).toMatch(/\.png$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the phone sandbox sends a photo inbound; the technician sees it as a thumbnail, without its GPS', async () => {
    const photo = await photoWithGps(800, 600);
    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    await page.getByRole('link', { name: 'Teléfono de prueba' }).click();
    await page.getByLabel('Teléfono del usuario').fill('+5214775550902');
    await page.getByLabel('Nombre', { exact: true }).fill('Teo');
    const phone = page.getByTestId('sandbox-phone');
    await phone.getByLabel('Mensaje del usuario').fill('así sale el error');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), phone.getByRole('button', { name: 'Adjuntar foto' }).click()]);
    await chooser.setFiles({ name: 'error.jpg', mimeType: 'image/jpeg', buffer: photo });
    await phone.getByTestId('phone-out').filter({ hasText: 'error.jpg' }).filter({ hasText: 'así sale el error' }).waitFor();

    await page.getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('row').filter({ hasText: 'Teo' }).getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('así sale el error').waitFor();
    const thumbImg = dialog.getByTestId('attachment-thumb').locator('img');
    await thumbImg.waitFor();
    expect(await thumbImg.evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]))).toEqual([800, 600]);
    const stored = Buffer.from(await (await api((await thumbImg.getAttribute('src'))!)).arrayBuffer());
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    expect(stored.includes(Buffer.from('PuentePhone'))).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a voice note plays and seeks: the browser reads it by byte ranges', async () => {
    // Five seconds of 8 kHz mono 16-bit silence as WAV: a real file Chromium plays without a codec pack.
    const seconds = 5;
    const samples = Buffer.alloc(8000 * 2 * seconds);
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + samples.length, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(1, 22); // mono
    header.writeUInt32LE(8000, 24);
    header.writeUInt32LE(16000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    header.writeUInt32LE(samples.length, 40);
    const wav = Buffer.concat([header, samples]);
    await api('/api/simulator/inbound', { body: { from: '+5214775550903', name: 'Vera', media: { base64: wav.toString('base64'), mimetype: 'audio/wav', filename: 'nota.wav' } } });

    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const ranges: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/adjuntos/') && request.headers().range) ranges.push(request.headers().range);
    });
    await login(page, shared.service);
    await page.getByRole('row').filter({ hasText: 'Vera' }).getByRole('button', { name: 'Chat en Vivo' }).click();
    const audio = page.getByRole('dialog').getByTestId('attachment-audio');
    await audio.waitFor();
    const state = await audio.evaluate(
      (element: HTMLAudioElement) =>
        new Promise<{ duration: number; seekableEnd: number; at: number }>((resolve, reject) => {
          element.preload = 'metadata';
          element.onerror = () => reject(new Error(`audio error ${element.error?.code}`));
          element.onloadedmetadata = () => {
            element.onseeked = () => resolve({ duration: element.duration, seekableEnd: element.seekable.length ? element.seekable.end(0) : 0, at: element.currentTime });
            element.currentTime = 4;
          };
          element.load();
        }),
    );
    expect(state.duration).toBeCloseTo(seconds, 1);
    // Chromium offers seeking over the whole file only when the server answers byte ranges.
    expect(state.seekableEnd).toBeCloseTo(seconds, 1);
    expect(state.at).toBeCloseTo(4, 1);
    expect(ranges.length).toBeGreaterThan(0);
    await context.close();
  });
});
