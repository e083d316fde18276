// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStores, type AppStores } from '../stores/app.ts';
import { fakeServer } from '../testing/fake-server.ts';
import { FakeWebSocket } from '../testing/fake-socket.ts';
import { entry, ticket } from '../testing/fixtures.ts';
import { key, renderWith, settle } from '../testing/render.tsx';
import { ChatModal } from './ChatModal.tsx';

let app: AppStores;
let cleanup: () => void;
afterEach(() => {
  cleanup?.();
  app.dispose();
});

const adjunto = (id: number, tipo: string, nombre: string) => ({ id, nombre, tipo, bytes: 2048, url: `/api/adjuntos/${id}` });

async function openChat(historial: ReturnType<typeof entry>[]) {
  const server = fakeServer({
    'GET /ticket/7/conversacion': { body: { historial } },
    'POST /api/tickets/7/leido': { status: 204 },
  });
  app = createAppStores({ fetch: server.fetch, WebSocket: FakeWebSocket, liveUrl: 'ws://x' });
  app.chat.open(ticket(), 'chat');
  const view = renderWith(app, <ChatModal returnFocus={null} />);
  cleanup = () => view.unmount();
  await settle();
  return view.container.querySelector<HTMLElement>('[role="dialog"]')!;
}

describe('files in the chat', () => {
  it('shows an image as a thumbnail that opens a preview; Esc closes the preview, not the chat', async () => {
    const dialog = await openChat([entry({ id: 1, kind: 'image', content: 'la pantalla', adjunto: adjunto(5, 'image/jpeg', 'pantalla.jpg') })]);
    const thumb = dialog.querySelector<HTMLButtonElement>('[data-testid="attachment-thumb"]')!;
    expect(thumb.querySelector('img')!.getAttribute('src')).toBe('/api/adjuntos/5');
    expect(dialog.textContent).not.toContain('📎 Imagen');
    thumb.click();
    await settle();
    const preview = document.querySelector<HTMLElement>('[data-testid="image-preview"]')!;
    expect(preview.querySelector('img')!.getAttribute('src')).toBe('/api/adjuntos/5');
    key(document.activeElement as HTMLElement, 'Escape');
    await settle();
    expect(document.querySelector('[data-testid="image-preview"]')).toBeNull();
    expect(app.chat.ticket.value).not.toBeNull();
  });

  it('plays a voice note, offers a document as a download, links a location, shows a contact and a pending file', async () => {
    const dialog = await openChat([
      entry({ id: 1, kind: 'voice', content: '', adjunto: adjunto(6, 'audio/ogg', 'nota.ogg') }),
      entry({ id: 2, kind: 'document', content: '', adjunto: adjunto(7, 'application/pdf', 'factura.pdf') }),
      entry({ id: 3, kind: 'location', content: '[Ubicación]', ubicacion: { lat: 21.1219, lng: -101.6869 } }),
      entry({ id: 4, kind: 'contact', content: '[Contacto] Ana', contacto: { nombre: 'Ana López', telefono: '+5214779999999' } }),
      entry({ id: 5, kind: 'image', content: '', adjunto_pendiente: 'No se pudo descargar el archivo de WhatsApp; se reintentará.' }),
    ]);
    expect(dialog.querySelector('[data-testid="attachment-audio"]')!.getAttribute('src')).toBe('/api/adjuntos/6');
    const download = dialog.querySelector<HTMLAnchorElement>('[data-testid="attachment-download"]')!;
    expect([download.getAttribute('href'), download.getAttribute('download')]).toEqual(['/api/adjuntos/7', 'factura.pdf']);
    expect(dialog.querySelector('[data-testid="map-link"]')!.getAttribute('href')).toContain('mlat=21.1219&mlon=-101.6869');
    expect(dialog.querySelector('[data-testid="contact-card"]')!.textContent).toContain('Ana López');
    expect(dialog.querySelector('[data-testid="attachment-pending"]')!.textContent).toContain('se reintentará');
  });

  it('a chosen file is previewed with its name and size before sending, and can be removed', async () => {
    const dialog = await openChat([]);
    app.chat.composer.attach(new File([new Uint8Array(3000)], 'guia.pdf', { type: 'application/pdf' }));
    await settle();
    const preview = dialog.querySelector<HTMLElement>('[data-testid="attachment-preview"]')!;
    expect(preview.textContent).toContain('guia.pdf');
    expect(preview.textContent).toContain('3 KB');
    preview.querySelector<HTMLButtonElement>('button')!.click();
    await settle();
    expect(dialog.querySelector('[data-testid="attachment-preview"]')).toBeNull();
  });

  it('refuses a file over 10 MB before uploading it, saying so', async () => {
    await openChat([]);
    app.chat.composer.attach(new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'video.pdf'));
    expect(app.chat.composer.file.value).toBeNull();
    expect(app.chat.composer.notice.value?.text).toMatch(/10 MB/);
  });
});
