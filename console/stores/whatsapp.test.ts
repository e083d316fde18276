import { describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeServer } from '../testing/fake-server.ts';
import type { LinkStatus } from '../lib/types.ts';
import { createWhatsAppStore } from './whatsapp.ts';

const linking: LinkStatus = { driver: 'wwebjs', state: 'qr', since: '2026-02-05T10:00:00Z', lastReadyAt: null, queued: 3, qr: '2@abc', qrImage: 'data:image/png;base64,AAAA' };

describe('the WhatsApp store', () => {
  it('keeps the QR for an admin', async () => {
    const server = fakeServer({ 'GET /api/whatsapp/status': { body: linking } });
    const store = createWhatsAppStore(createApi({ fetch: server.fetch }), () => true);
    await store.refresh();
    expect(store.status.value?.qrImage).toBe(linking.qrImage);
  });

  it('drops a QR that reached a technician, from polls and from pushes', async () => {
    const server = fakeServer({ 'GET /api/whatsapp/status': { body: linking } });
    const store = createWhatsAppStore(createApi({ fetch: server.fetch }), () => false);
    await store.refresh();
    expect(store.status.value).toMatchObject({ state: 'qr', queued: 3 });
    expect(store.status.value).not.toHaveProperty('qrImage');
    const { queued: _queued, ...pushed } = linking;
    store.applyEvent({ type: 'whatsapp', status: pushed });
    expect(store.status.value).not.toHaveProperty('qr');
    expect(store.status.value?.queued).toBe(3); // pushes carry no queue size: the last one stays
  });

  it('unlinks through POST /api/whatsapp/logout', async () => {
    const server = fakeServer({ 'POST /api/whatsapp/logout': { status: 202, body: { state: 'logged_out' } }, 'GET /api/whatsapp/status': { body: { ...linking, state: 'logged_out' } } });
    const store = createWhatsAppStore(createApi({ fetch: server.fetch }), () => true);
    expect(await store.unlink()).toBe(true);
    expect(store.status.value?.state).toBe('logged_out');
  });

  it('links again through POST /api/whatsapp/connect', async () => {
    const server = fakeServer({ 'POST /api/whatsapp/connect': { status: 202, body: { state: 'ready' } }, 'GET /api/whatsapp/status': { body: { ...linking, state: 'ready' } } });
    const store = createWhatsAppStore(createApi({ fetch: server.fetch }), () => true);
    expect(await store.relink()).toBe(true);
    expect(store.status.value?.state).toBe('ready');
  });
});
