// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { renderSignedIn, settle, type SignedInPage } from '../testing/render.tsx';
import WhatsAppPage from './WhatsAppPage.tsx';

const linking = { driver: 'wwebjs', state: 'qr', since: '2026-02-05T10:00:00Z', lastReadyAt: null, queued: 2, qr: '2@abc', qrImage: 'data:image/png;base64,AAAA' };

let shown: SignedInPage | undefined;
afterEach(() => shown?.close());

async function showAs(role: 'admin' | 'tecnico') {
  shown = await renderSignedIn(role, { 'GET /api/whatsapp/status': { body: linking } }, <WhatsAppPage />);
  return shown.container;
}

describe('<WhatsAppPage>', () => {
  it('shows an admin the state and the QR while linking', async () => {
    const page = await showAs('admin');
    expect(page.textContent).toContain('Esperando escaneo del código QR');
    expect(page.querySelector('img')?.getAttribute('alt')).toBe('Código QR para vincular WhatsApp');
  });

  it('shows the files stored against their limit', async () => {
    shown = await renderSignedIn(
      'tecnico',
      { 'GET /api/whatsapp/status': { body: linking }, 'GET /api/adjuntos/uso': { body: { archivos: 3, bytes: 5 * 1024 * 1024, limite: 5120 * 1024 * 1024 } } },
      <WhatsAppPage />,
    );
    await settle();
    expect(shown.container.querySelector('[data-testid="media-storage"]')?.textContent).toBe('Archivos guardados: 3 · 5.0 MB de 5.0 GB');
  });

  it('shows what the last reconnect recovered', async () => {
    const page = await showAs('tecnico');
    shown!.app.whatsapp.status.value = { ...linking, state: 'ready', lastCatchUp: { recovered: 4, at: '2026-02-05T10:05:00Z' } } as never;
    await settle();
    expect(page.querySelector('[data-testid="whatsapp-recovered"]')?.textContent).toMatch(/^4 mensajes \(/);
  });

  it('shows a banner for each fault in the health detail, and none when all is ok', async () => {
    const ok = (mensaje: string) => ({ estado: 'ok', mensaje });
    const healthy = { almacenamiento: ok('a'), base_de_datos: ok('b'), whatsapp: { estado: 'ready', mensaje: 'c' }, reloj: ok('d') };
    const page = await showAs('tecnico');
    shown!.app.whatsapp.status.value = { ...linking, state: 'ready', salud: healthy } as never;
    await settle();
    expect(page.querySelectorAll('[data-testid^="fault-"]')).toHaveLength(0);
    shown!.app.whatsapp.status.value = {
      ...linking,
      state: 'ready',
      salud: {
        ...healthy,
        almacenamiento: { estado: 'lleno', mensaje: 'El disco del servidor está lleno.', desde: '2026-02-05T10:00:00Z' },
        reloj: { estado: 'salto_detectado', mensaje: 'El reloj del servidor saltó 3 horas hacia adelante.' },
      },
    } as never;
    await settle();
    expect(page.querySelector('[data-testid="fault-almacenamiento"]')?.textContent).toMatch(/^Almacenamiento: El disco del servidor está lleno\. \(desde /);
    expect(page.querySelector('[data-testid="fault-reloj"]')?.textContent).toBe('Reloj del servidor: El reloj del servidor saltó 3 horas hacia adelante.');
    expect(page.querySelector('[data-testid="fault-base_de_datos"]')).toBeNull();
  });

  it('never draws a QR for a technician, even one that slipped into the store', async () => {
    const page = await showAs('tecnico');
    shown!.app.whatsapp.status.value = linking as never; // as if a bug let it through
    await settle();
    expect(page.textContent).toContain('Esperando escaneo del código QR');
    expect(page.textContent).toContain('Solo un administrador puede vincular');
    expect(page.querySelector('img')).toBeNull();
    expect(page.textContent).not.toContain('Desvincular');
  });
});
