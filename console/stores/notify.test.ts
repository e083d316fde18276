import { describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import { error, fakeServer } from '../testing/fake-server.ts';
import { ticket } from '../testing/fixtures.ts';
import { createNotifyStore } from './notify.ts';

const plantilla = { id: 'equipo-listo', titulo: 'Equipo listo', texto: 'Tu equipo ya está listo.' };

describe('Notificar', () => {
  it('sends the predefined text through the contract endpoint with the confirmation key', async () => {
    const server = fakeServer({ 'POST /ticket/7/enviar-mensaje': { body: { status: 'enviado' } } });
    const outcome = await createNotifyStore(createApi({ fetch: server.fetch })).send(ticket(), plantilla, 'clave-1');
    expect(server.calls[0].body).toEqual({ mensaje: 'Tu equipo ya está listo.' });
    expect(server.calls[0].headers['Idempotency-Key']).toBe('clave-1');
    expect(outcome).toEqual({ stored: true, tone: 'success', text: 'Notificación «Equipo listo» enviada al ticket TKT-7AB3CD4E.' });
  });

  it('says the notification is saved when WhatsApp is down', async () => {
    const server = fakeServer({ 'POST /ticket/7/enviar-mensaje': error(503, 'whatsapp_desconectado', 'x') });
    const outcome = await createNotifyStore(createApi({ fetch: server.fetch })).send(ticket(), plantilla, 'clave-2');
    expect(outcome.tone).toBe('warning');
    expect(outcome.text).toMatch(/quedó guardado/);
  });
});
