import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { error, fakeServer, type Route } from '../testing/fake-server.ts';
import { createComposer } from './composer.ts';

const SEND = 'POST /ticket/7/enviar-mensaje';
const OK = { body: { status: 'enviado', ticket_id: 7, telefono: '+5214771234567', mensaje: 'Mensaje enviado correctamente' } };

function setup(answer: Route) {
  const server = fakeServer({ [SEND]: answer });
  const onSettled = vi.fn();
  const composer = createComposer(createApi({ fetch: server.fetch }), { onSettled });
  return { server, composer, onSettled };
}

describe('sending a reply', () => {
  it('posts the text with an Idempotency-Key and clears the box on 200', async () => {
    const { server, composer, onSettled } = setup(OK);
    composer.draft.value = 'Hola Juan 👋';
    await composer.send(7);
    expect(server.calls[0].body).toEqual({ mensaje: 'Hola Juan 👋' });
    expect(server.calls[0].headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(composer.draft.value).toBe('');
    expect(composer.notice.value).toBeNull();
    expect(onSettled).toHaveBeenCalled();
  });

  it("keeps the text and shows the server's reason when validation fails (400)", async () => {
    const { composer } = setup(error(400, 'solicitud_invalida', 'mensaje: el mensaje admite hasta 4096 caracteres'));
    composer.draft.value = 'x'.repeat(5000);
    await composer.send(7);
    expect(composer.draft.value).toBe('x'.repeat(5000));
    expect(composer.notice.value).toEqual({ tone: 'error', text: 'mensaje: el mensaje admite hasta 4096 caracteres' });
  });

  it.each([
    [503, 'whatsapp_desconectado'],
    [504, 'whatsapp_sin_respuesta'],
  ])('on %i says the message is saved and will go out, and clears the box', async (status, word) => {
    const { composer } = setup(error(status, word, 'x'));
    composer.draft.value = 'Te aviso mañana';
    await composer.send(7);
    expect(composer.draft.value).toBe('');
    expect(composer.notice.value?.tone).toBe('warning');
    expect(composer.notice.value?.text).toMatch(/quedó guardado.*(WhatsApp vuelva|WhatsApp responda)/);
  });

  it('retries a lost request with the same key, and a new text with a new key', async () => {
    const { server, composer } = setup('offline');
    composer.draft.value = 'primero';
    await composer.send(7);
    expect(composer.draft.value).toBe('primero');
    server.on(SEND, OK);
    await composer.send(7);
    const [lost, retry] = server.calls.map((call) => call.headers['Idempotency-Key']);
    expect(retry).toBe(lost);
    composer.draft.value = 'segundo';
    await composer.send(7);
    expect(server.calls[2].headers['Idempotency-Key']).not.toBe(lost);
  });

  it('refuses an empty message without asking the server', async () => {
    const { server, composer } = setup(OK);
    composer.draft.value = '   ';
    await composer.send(7);
    expect(server.calls).toHaveLength(0);
    expect(composer.notice.value?.tone).toBe('error');
  });

  it('keeps what was typed while the message was on its way', async () => {
    let release!: () => void;
    const { composer } = setup(() => new Promise((resolve) => (release = () => resolve(OK))));
    composer.draft.value = 'uno';
    const sending = composer.send(7);
    composer.draft.value = 'uno y dos';
    release();
    await sending;
    expect(composer.draft.value).toBe('uno y dos');
  });
});
