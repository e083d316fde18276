import { describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import { error, fakeServer } from '../testing/fake-server.ts';
import { ticket } from '../testing/fixtures.ts';
import { createNotifyStore } from './notify.ts';
import { createRepliesStore } from './replies.ts';

const plantilla = { id: 1, titulo: 'Equipo listo', texto: 'Tu equipo ya está listo.' };

const notifyWith = (api: ReturnType<typeof createApi>) => createNotifyStore(api, createRepliesStore(api));

describe('Notificar', () => {
  it('sends the predefined text through the contract endpoint with the confirmation key', async () => {
    const server = fakeServer({ 'POST /ticket/7/enviar-mensaje': { body: { status: 'enviado' } } });
    const outcome = await notifyWith(createApi({ fetch: server.fetch })).send(ticket(), plantilla, 'clave-1');
    expect(server.calls[0].body).toEqual({ mensaje: 'Tu equipo ya está listo.' });
    expect(server.calls[0].headers['Idempotency-Key']).toBe('clave-1');
    expect(outcome).toEqual({ stored: true, tone: 'success', text: 'Notificación «Equipo listo» enviada al ticket TKT-7AB3CD4E.' });
  });

  it('says the notification is saved when WhatsApp is down', async () => {
    const server = fakeServer({ 'POST /ticket/7/enviar-mensaje': error(503, 'whatsapp_desconectado', 'x') });
    const outcome = await notifyWith(createApi({ fetch: server.fetch })).send(ticket(), plantilla, 'clave-2');
    expect(outcome.tone).toBe('warning');
    expect(outcome.text).toMatch(/quedó guardado/);
  });
});

describe('the quick replies store', () => {
  it('loads the list admins edit, and Notificar offers the same list', async () => {
    const list = [plantilla];
    const server = fakeServer({ 'GET /api/respuestas-rapidas': { body: { respuestas: list } } });
    const api = createApi({ fetch: server.fetch });
    const replies = createRepliesStore(api);
    const notify = createNotifyStore(api, replies);
    await notify.load();
    expect(replies.list.value).toEqual(list);
    expect(notify.plantillas.value).toEqual(list);
  });

  it('an edit refused by the server answers its sentence and reloads nothing', async () => {
    const server = fakeServer({ 'PATCH /api/respuestas-rapidas/1': error(409, 'estado_invalido', 'Ya hay una respuesta rápida llamada «X».') });
    const replies = createRepliesStore(createApi({ fetch: server.fetch }));
    expect(await replies.edit(1, { titulo: 'X', texto: 'y' })).toBe('Ya hay una respuesta rápida llamada «X».');
    expect(server.callsTo('GET')).toEqual([]);
  });
});
