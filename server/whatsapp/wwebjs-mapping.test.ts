import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  chatIdToPhone,
  disconnectChange,
  noChromiumReason,
  startFailureReason,
  toAckState,
  toChatId,
  toInboundMessage,
  type WwebjsMessageLike,
} from './wwebjs-mapping.ts';

// The fixtures go through whatsapp-web.js's own Message class, so the mapping reads the fields
// the library really produces from WhatsApp Web's raw model (not fields we imagine it has).
const require = createRequire(import.meta.url);
const Message = require('whatsapp-web.js/src/structures/Message.js') as new (client: unknown, data: object) => WwebjsMessageLike;

const ME = '5214770000000@c.us';
const USER = '5214771234567@c.us';

function raw(fields: Record<string, unknown> & { from?: string; to?: string; fromMe?: boolean }) {
  const { fromMe = false, from = USER, to = ME, ...rest } = fields;
  const remote = fromMe ? to : from;
  const id = (rest.idValue as string) ?? '3EB0C0FFEE';
  return new Message(null, {
    id: { fromMe, remote, id, _serialized: `${fromMe}_${remote}_${id}` },
    type: 'chat',
    body: 'hola',
    t: 1_732_370_000,
    from,
    to,
    ack: 1,
    notifyName: 'Juan Pérez',
    ...rest,
  });
}

describe('toInboundMessage', () => {
  it('maps a text from a Mexican +521 mobile to E.164, keeping id, time and push name', async () => {
    const message = await toInboundMessage(raw({ body: 'no enciende la impresora 🖨️' }));
    expect(message).toEqual({
      waId: `false_${USER}_3EB0C0FFEE`,
      from: '+5214771234567',
      body: 'no enciende la impresora 🖨️',
      kind: 'text',
      at: new Date(1_732_370_000 * 1000),
      name: 'Juan Pérez',
      isGroup: false,
      isStatus: false,
      fromMe: false,
    });
  });

  it('keeps an Argentine +549 mobile as WhatsApp gives it', async () => {
    const message = await toInboundMessage(raw({ from: '5491123456789@c.us' }));
    expect(message.from).toBe('+5491123456789');
  });

  it('marks group messages and names the author as sender', async () => {
    const message = await toInboundMessage(raw({ from: '120363025555555555@g.us', author: USER }));
    expect(message).toMatchObject({ isGroup: true, isStatus: false, from: '+5214771234567' });
  });

  it('marks status broadcasts', async () => {
    const message = await toInboundMessage(raw({ from: 'status@broadcast', author: USER, isStatusV3: true }));
    expect(message).toMatchObject({ isStatus: true, isGroup: false, from: '+5214771234567' });
  });

  it('marks our own messages and reports the chat they went to', async () => {
    const message = await toInboundMessage(raw({ fromMe: true, from: ME, to: USER, body: 'ya quedó' }));
    expect(message).toMatchObject({ fromMe: true, from: '+5214771234567', body: 'ya quedó' });
    expect(message.waId).toBe(`true_${USER}_3EB0C0FFEE`);
  });

  it('resolves an @lid sender to its phone through the resolver', async () => {
    const lid = '208734567890123@lid';
    const asked: string[] = [];
    const message = await toInboundMessage(raw({ from: lid }), {
      resolveLid: async (id) => (asked.push(id), USER),
    });
    expect(asked).toEqual([lid]);
    expect(message.from).toBe('+5214771234567');
  });

  it('keeps the @lid as the sender when no phone is known behind it, so the core can still file and answer it', async () => {
    const message = await toInboundMessage(raw({ from: '208734567890123@lid' }), { resolveLid: () => null });
    expect(message).toMatchObject({ from: '', lid: '208734567890123@lid' });
    const resolved = await toInboundMessage(raw({ from: '208734567890123@lid' }), { resolveLid: () => USER });
    expect(resolved.lid).toBeUndefined();
  });

  it('does not look up the phone of a group, status or channel writer (the core files none of them)', async () => {
    const asked: string[] = [];
    const resolveLid = (id: string) => (asked.push(id), USER);
    const lid = '208734567890123@lid';
    const group = await toInboundMessage(raw({ from: '120363025555555555@g.us', author: lid }), { resolveLid });
    const status = await toInboundMessage(raw({ from: 'status@broadcast', author: lid, isStatusV3: true }), { resolveLid });
    const channel = await toInboundMessage(raw({ from: '120363111111111111@newsletter', author: lid }), { resolveLid });
    expect(asked).toEqual([]);
    expect([group.isGroup, status.isStatus, channel.isStatus]).toEqual([true, true, true]);
  });

  it('flags messages fetched after a reconnect', async () => {
    expect((await toInboundMessage(raw({}), { recovered: true })).recovered).toBe(true);
  });
});

describe('toInboundMessage with media and other kinds', () => {
  const media = { directPath: '/v/t62.7118-24/abc', mediaKey: 'k', mimetype: 'image/jpeg' };

  it('labels an image with its caption', async () => {
    const message = await toInboundMessage(raw({ type: 'image', caption: 'la pantalla azul', body: '/9j/4AAQSk', ...media }));
    expect(message).toMatchObject({ kind: 'image', body: '[Imagen] la pantalla azul', hasMedia: true, caption: 'la pantalla azul' });
  });

  it('never files the base64 thumbnail WhatsApp Web keeps in body before the media is available', async () => {
    const message = await toInboundMessage(raw({ type: 'image', body: '/9j/4AAQSkZJRgABAQAAAQABAAD' }));
    expect(message.body).toBe('[Imagen]');
  });

  it('labels a voice note', async () => {
    const message = await toInboundMessage(raw({ type: 'ptt', body: '', duration: '7', ...media, mimetype: 'audio/ogg; codecs=opus' }));
    expect(message).toMatchObject({ kind: 'voice', body: '[Nota de voz]', hasMedia: true, caption: '' });
  });

  it('labels an audio, a video and a sticker', async () => {
    expect((await toInboundMessage(raw({ type: 'audio', ...media }))).body).toBe('[Audio]');
    expect((await toInboundMessage(raw({ type: 'video', caption: 'así falla', ...media }))).body).toBe('[Video] así falla');
    expect((await toInboundMessage(raw({ type: 'sticker', ...media }))).kind).toBe('sticker');
  });

  it('names a document by its file name and caption', async () => {
    const message = await toInboundMessage(raw({ type: 'document', filename: 'factura.pdf', caption: 'esta', ...media }));
    expect(message).toMatchObject({ kind: 'document', body: '[Documento] factura.pdf — esta' });
  });

  it('gives a location as coordinates and place', async () => {
    const message = await toInboundMessage(
      raw({ type: 'location', lat: 21.1221, lng: -101.6847, loc: 'Oficina León\nBlvd. López Mateos 100', body: '/9j/thumb' }),
    );
    expect(message).toMatchObject({ kind: 'location', body: '[Ubicación] 21.1221,-101.6847 Oficina León Blvd. López Mateos 100' });
    expect(message.location).toEqual({ lat: 21.1221, lng: -101.6847 });
    expect(message.hasMedia).toBeUndefined();
  });

  it('names a shared contact', async () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nN:López;Ana;;;\nFN:Ana López\nTEL;type=CELL;waid=5214779999999:+52 1 477 999 9999\nEND:VCARD';
    const message = await toInboundMessage(raw({ type: 'vcard', body: vcard, vcardFormattedName: 'Ana López' }));
    expect(message).toMatchObject({ kind: 'contact', body: '[Contacto] Ana López', contact: { nombre: 'Ana López', telefono: '+5214779999999' } });
    const withoutName = await toInboundMessage(raw({ type: 'vcard', body: vcard }));
    expect(withoutName.body).toBe('[Contacto] Ana López');
  });

  it('names every contact of a multi-contact card', async () => {
    const message = await toInboundMessage(
      raw({ type: 'multi_vcard', vcardList: [{ displayName: 'Ana', vcard: 'FN:Ana' }, { displayName: 'Beto', vcard: 'FN:Beto' }] }),
    );
    expect(message).toMatchObject({ kind: 'contact', body: '[Contacto] Ana, Beto' });
  });

  it('marks other kinds as other (the core files none of them), naming the type', async () => {
    const message = await toInboundMessage(raw({ type: 'poll_creation', pollName: '¿Cuándo?' }));
    expect(message).toMatchObject({ kind: 'other', body: '[Mensaje no compatible: poll_creation]' });
    // WhatsApp's own notices arrive through the same `message` event; no person wrote them.
    for (const type of ['e2e_notification', 'notification_template', 'gp2', 'ciphertext', 'revoked']) {
      expect((await toInboundMessage(raw({ type, body: '' }))).kind).toBe('other');
    }
  });

  it('turns a call log into a call line, missed or not', async () => {
    const missed = await toInboundMessage(raw({ type: 'call_log', body: '', subtype: 'miss' }));
    expect(missed).toMatchObject({ kind: 'call', body: '[Llamada perdida]' });
    const video = await toInboundMessage(raw({ type: 'call_log', body: '', subtype: 'miss_video' }));
    expect(video).toMatchObject({ kind: 'call', body: '[Videollamada perdida]' });
    const answered = await toInboundMessage(raw({ type: 'call_log', body: '' }));
    expect(answered).toMatchObject({ kind: 'call', body: '[Llamada de WhatsApp]' });
  });
});

describe('toAckState', () => {
  it.each([
    [-1, 'failed'],
    [0, null],
    [1, 'sent'],
    [2, 'delivered'],
    [3, 'read'],
    [4, 'read'],
  ])('maps ack %i to %s', (ack, state) => {
    expect(toAckState(ack)).toBe(state);
  });
});

describe('phone and chat ids', () => {
  it('converts between E.164 and chat ids', () => {
    expect(toChatId('+5214771234567')).toBe('5214771234567@c.us');
    expect(toChatId('+54 9 11 2345-6789')).toBe('5491123456789@c.us');
    expect(chatIdToPhone('5214771234567@c.us')).toBe('+5214771234567');
    expect(chatIdToPhone('5214771234567:12@s.whatsapp.net')).toBe('+5214771234567');
  });

  it('refuses ids that are not a phone', () => {
    expect(chatIdToPhone('120363025555555555@g.us')).toBeNull();
    expect(chatIdToPhone('status@broadcast')).toBeNull();
    expect(chatIdToPhone('208734567890123@lid')).toBeNull();
  });
});

describe('reasons for the operator', () => {
  it('explains an offline start by the network error whatsapp-web.js rejects with', () => {
    const offline = new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
    expect(startFailureReason(offline, '/usr/bin/chromium')).toBe(
      'No se pudo abrir WhatsApp Web: sin conexión a internet o DNS (net::ERR_NAME_NOT_RESOLVED).',
    );
  });

  it('names the browser when it cannot be launched, and reads the bare strings whatsapp-web.js throws', () => {
    const launch = new Error('Failed to launch the browser process!\n[0101/000000:ERROR] ...');
    expect(startFailureReason(launch, '/opt/chrome')).toBe('No se pudo iniciar Chromium (/opt/chrome): Failed to launch the browser process!');
    expect(startFailureReason('auth timeout', '/usr/bin/chromium')).toBe('WhatsApp Web no terminó de cargar a tiempo (auth timeout).');
  });

  it('names what to install when there is no Chromium', () => {
    expect(noChromiumReason()).toMatch(/apt-get install chromium.*CHROME_PATH/);
    expect(noChromiumReason('/opt/x')).toMatch(/^CHROME_PATH=\/opt\/x no es un ejecutable/);
  });

  it('tells an unlink from the phone apart from a connection loss', () => {
    expect(disconnectChange('LOGOUT').state).toBe('logged_out');
    expect(disconnectChange('UNPAIRED').state).toBe('logged_out');
    expect(disconnectChange('CONFLICT')).toEqual({ state: 'disconnected', reason: 'WhatsApp Web se abrió en otro navegador o computadora.' });
    expect(disconnectChange('SOMETHING_NEW')).toEqual({ state: 'disconnected', reason: 'WhatsApp Web se desconectó (SOMETHING_NEW).' });
  });
});
