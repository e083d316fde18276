import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundMessage, StateChange } from './driver.ts';

// whatsapp-web.js replaced by a scripted Client with the same events and methods, so the
// driver's wiring is checked without a browser (test/wwebjs-offline.test.ts runs the real one).
const fake = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  class FakeLocalAuth {
    client: unknown;
    userDataDir: string;
    afterBrowserInitialized = async () => {};
    constructor(readonly options: { dataPath: string }) {
      this.userDataDir = `${options.dataPath}/session`;
    }
    setup(client: unknown) {
      this.client = client;
    }
    async logout() {}
  }
  const clients: FakeClient[] = [];
  const state: { onNewClient?: (client: FakeClient) => void } = {};
  class FakeClient extends EventEmitter {
    pupBrowser: { connected: boolean; process: () => { pid: number }; once: () => void } | null = null;
    /** WhatsApp Web's socket, as the page reports it: synced before whatsapp-web.js listened (a late ready). */
    socketSynced = false;
    pupPage = {
      evaluate: async (expression: unknown) => {
        const source = String(expression);
        if (source.includes('hasSynced')) return this.socketSynced;
        if (source.includes('onAppStateHasSyncedEvent()')) {
          // What the library's own handler does (whatsapp-web.js Client.js:305, 375).
          this.emit('authenticated');
          this.emit('ready');
          return undefined;
        }
        return 2;
      },
    };
    destroyed = false;
    numbers = new Map<string, string | null>();
    chats: unknown[] = [];
    sent: [string, string][] = [];
    sendOptions: unknown[] = [];
    lookups: string[] = [];
    initialize = async () => {
      this.pupBrowser = { connected: true, process: () => ({ pid: 2 ** 22 + 7 }), once: () => {} };
      await this.options.authStrategy.afterBrowserInitialized();
      await this.inject();
    };
    injectError: Error | null = null;
    inject = async () => {
      if (this.injectError) throw this.injectError;
    };
    constructor(readonly options: { authStrategy: FakeLocalAuth; puppeteer?: Record<string, unknown> }) {
      super();
      options.authStrategy.setup(this);
      clients.push(this);
      state.onNewClient?.(this);
    }
    async destroy() {
      this.destroyed = true;
    }
    async getNumberId(id: string) {
      this.lookups.push(id);
      const found = this.numbers.has(id) ? this.numbers.get(id) : id;
      return found ? { _serialized: found } : null;
    }
    async sendMessage(chatId: string, body: string, options?: unknown) {
      this.sent.push([chatId, body]);
      this.sendOptions.push(options);
      return { id: { _serialized: `true_${chatId}_${this.sent.length}` } };
    }
    async getChats() {
      return this.chats;
    }
    async getChatById(id: string) {
      return this.chats.find((chat) => (chat as { id: { _serialized: string } }).id._serialized === id);
    }
    /** Answers without a phone this many times first (WhatsApp Web has not synced the mapping yet). */
    lidMisses = 0;
    lidLookups = 0;
    async getContactLidAndPhone(ids: string[]) {
      this.lidLookups += 1;
      if (this.lidMisses-- > 0) return ids.map((lid) => ({ lid, pn: undefined }));
      return ids.map((lid) => ({ lid, pn: '5214771234567@c.us' }));
    }
  }
  return {
    clients,
    // The library's own MessageMedia is a plain holder of these four fields (structures/MessageMedia.js).
    module: {
      default: {
        Client: FakeClient,
        LocalAuth: FakeLocalAuth,
        MessageMedia: class MessageMedia {
          constructor(
            readonly mimetype: string,
            readonly data: string,
            readonly filename?: string | null,
            readonly filesize?: number | null,
          ) {}
        },
      },
    },
    get onNewClient() {
      return state.onNewClient;
    },
    set onNewClient(hook: ((client: FakeClient) => void) | undefined) {
      state.onNewClient = hook;
    },
  };
});
vi.mock('whatsapp-web.js', () => fake.module);

const { createWwebjsDriver } = await import('./wwebjs.ts');

const USER = '5214771234567@c.us';
const incoming = (id: string, from = USER, extra: object = {}) => ({
  id: { _serialized: `false_${from}_${id}`, fromMe: false, remote: from },
  from,
  to: '5214770000000@c.us',
  fromMe: false,
  body: id,
  type: 'chat',
  timestamp: Math.floor(Date.now() / 1000) - 60,
  ...extra,
});

let dirs: string[] = [];
function setup(options: { lastInboundAt?: (phone: string) => Promise<Date | null> } = {}) {
  const sessionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-wwebjs-unit-'));
  dirs.push(sessionDir);
  const driver = createWwebjsDriver({
    sessionDir, dataDir: sessionDir, chromePath: '/bin/sh', logger: pino({ level: 'silent' }), lidRetryMs: 1, lateReadyCheckMs: 1, ...options,
  });
  const states: StateChange[] = [];
  const inbound: InboundMessage[] = [];
  driver.onState((change) => states.push(change));
  driver.onInbound(async (message) => (inbound.push(message), 'filed'));
  return { driver, states, inbound, sessionDir, client: () => fake.clients.at(-1)! };
}

beforeEach(() => {
  fake.clients.length = 0;
  fake.onNewClient = undefined;
});
afterEach(() => {
  dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  dirs = [];
});

describe('wwebjs driver wiring', () => {
  it('turns whatsapp-web.js events into contract states, the QR included', async () => {
    const { driver, states, client } = setup();
    await driver.connect();
    client().emit('qr', '2@qr-payload');
    client().emit('authenticated');
    client().emit('ready');
    expect(states.map((s) => s.state)).toEqual(['starting', 'qr', 'authenticating', 'ready']);
    expect(states[1]).toEqual({ state: 'qr', qr: '2@qr-payload' });
  });

  it('takes the library’s ready path when WhatsApp Web synced before whatsapp-web.js listened (no watchdog restart)', async () => {
    const { driver, client, states } = setup();
    fake.onNewClient = (c) => (c.socketSynced = true);
    await driver.connect();
    await vi.waitFor(() => expect(driver.state().state).toBe('ready'));
    expect(states.map((s) => s.state)).toEqual(['starting', 'authenticating', 'ready']);
    expect(client().listenerCount('ready')).toBeGreaterThan(0);
  });

  it('leaves a normal start alone: no second ready when the sync event fires by itself', async () => {
    const { driver, client, states } = setup();
    await driver.connect();
    client().emit('authenticated');
    client().socketSynced = true;
    client().emit('ready');
    await new Promise((r) => setTimeout(r, 20));
    expect(states.map((s) => s.state)).toEqual(['starting', 'authenticating', 'ready']);
  });

  it('records the browser pid while it runs and forgets it after closing', async () => {
    const { driver, sessionDir } = setup();
    await driver.connect();
    await vi.waitFor(() => expect(driver.chromiumPid()).toBe(2 ** 22 + 7));
    expect(fs.readFileSync(path.join(sessionDir, 'chromium.pid'), 'utf8')).toMatch(/^4194311\n/);
    await driver.disconnect();
    expect(fs.existsSync(path.join(sessionDir, 'chromium.pid'))).toBe(false);
  });

  it('reports an unlink from the phone as logged_out, closes the client and forgets the session', async () => {
    const { driver, client, sessionDir } = setup();
    fs.mkdirSync(path.join(sessionDir, 'session'));
    await driver.connect();
    client().emit('ready');
    client().emit('disconnected', 'LOGOUT');
    await vi.waitFor(() => expect(driver.state().state).toBe('logged_out'));
    expect(client().destroyed).toBe(true);
    expect(fs.existsSync(path.join(sessionDir, 'session'))).toBe(false);
  });

  it('reports other disconnects as disconnected with a reason', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().emit('disconnected', 'CONFLICT');
    await vi.waitFor(() => expect(driver.state()).toEqual({ state: 'disconnected', reason: expect.stringContaining('otro navegador') }));
  });

  it('turns a failed re-inject into a state instead of an unhandled rejection', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().emit('ready');
    client().injectError = new Error('Protocol error (Runtime.callFunctionOn): Session closed.');
    // What whatsapp-web.js's framenavigated listener calls, without awaiting, after a navigation.
    await expect(client().inject()).resolves.toBeUndefined();
    await vi.waitFor(() => expect(driver.state()).toEqual({ state: 'disconnected', reason: expect.stringContaining('Session closed') }));
    expect(client().destroyed).toBe(true);
  });

  it('hands over inbound messages, resolving @lid senders', async () => {
    const { driver, client, inbound } = setup();
    await driver.connect();
    client().emit('message', incoming('hola', '208734567890123@lid'));
    await vi.waitFor(() => expect(inbound).toHaveLength(1));
    expect(inbound[0]).toMatchObject({ from: '+5214771234567', body: 'hola', kind: 'text' });
  });

  it('asks again for the phone behind an @lid WhatsApp Web does not know yet', async () => {
    const { driver, client, inbound } = setup();
    await driver.connect();
    client().lidMisses = 2;
    client().emit('message', incoming('hola', '208734567890123@lid'));
    await vi.waitFor(() => expect(inbound).toHaveLength(1));
    expect(inbound[0]).toMatchObject({ from: '+5214771234567' });
    expect(client().lidLookups).toBe(3);
  });

  it('hands over a message whose @lid never resolves, under the lid, and replies go to that lid', async () => {
    const { driver, client, inbound } = setup();
    await driver.connect();
    client().lidMisses = 99;
    client().emit('message', incoming('hola', '208734567890123@lid'));
    await vi.waitFor(() => expect(inbound).toHaveLength(1));
    expect(inbound[0]).toMatchObject({ from: '', lid: '208734567890123@lid', body: 'hola' });
    client().emit('ready');
    await driver.send('208734567890123@lid', 'le atendemos', 'r1');
    expect(client().sent).toEqual([['208734567890123@lid', 'le atendemos']]);
    expect(client().lookups).toEqual([]);
  });

  it('reports acks of our own messages only', async () => {
    const { driver, client } = setup();
    const acks: unknown[] = [];
    driver.onAck((ack) => acks.push(ack));
    await driver.connect();
    client().emit('message_ack', { ...incoming('x'), id: { _serialized: 'true_x', fromMe: true }, fromMe: true }, 3);
    client().emit('message_ack', incoming('y'), 3);
    client().emit('message_ack', { ...incoming('z'), id: { _serialized: 'true_z', fromMe: true }, fromMe: true }, 0);
    expect(acks).toEqual([{ waId: 'true_x', state: 'read' }]);
  });

  it('catches up after ready on what arrived while away', async () => {
    const since = new Date(Date.now() - 3_600_000);
    const { driver, client, inbound } = setup({ lastInboundAt: async () => since });
    await driver.connect();
    const messages = [incoming('mientras-tanto')];
    client().chats = [{ id: { _serialized: USER }, isGroup: false, unreadCount: 1, timestamp: messages[0].timestamp, fetchMessages: async () => messages }];
    client().emit('ready');
    await vi.waitFor(() => expect(inbound.map((m) => [m.body, m.recovered])).toEqual([['mientras-tanto', true]]));
  });

  it('catches up again when WhatsApp Web says the connection is back (no new ready comes)', async () => {
    const since = new Date(Date.now() - 3_600_000);
    const { driver, client, inbound } = setup({ lastInboundAt: async () => since });
    await driver.connect();
    const messages = [incoming('primero')];
    const fetch = vi.fn(async () => messages);
    client().chats = [{ id: { _serialized: USER }, isGroup: false, unreadCount: 0, timestamp: messages[0].timestamp, fetchMessages: fetch }];
    client().emit('ready');
    await vi.waitFor(() => expect(inbound.map((m) => m.body)).toEqual(['primero']));
    messages.push(incoming('mientras-se-caía'));
    client().emit('change_state', 'TIMEOUT');
    client().emit('change_state', 'CONNECTED');
    await vi.waitFor(() => expect(inbound.map((m) => m.body)).toContain('mientras-se-caía'));
  });
});

describe('wwebjs driver sending', () => {
  it('refuses while not ready, before touching WhatsApp', async () => {
    const { driver, client } = setup();
    await driver.connect();
    await expect(driver.send('+5214771234567', 'hola', 'r1')).rejects.toMatchObject({ code: 'not_ready' });
    expect(client().sent).toEqual([]);
  });

  it('sends to the id WhatsApp resolves for the number (+521 → +52)', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().numbers.set('5214771234567@c.us', '524771234567@c.us');
    client().emit('ready');
    await expect(driver.send('+5214771234567', 'ya quedó ✅', 'r1')).resolves.toEqual({ waId: 'true_524771234567@c.us_1' });
    expect(client().sent).toEqual([['524771234567@c.us', 'ya quedó ✅']]);
  });

  it('sends a file as MessageMedia: a document keeps its name with the caption, an image goes as a photo', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().emit('ready');
    const pdfBytes = Buffer.from('%PDF-1.4 guía');
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    await driver.send('+5214771234567', 'Aquí la guía', 'r1', { bytes: pdfBytes, mimetype: 'application/pdf', filename: 'Guía.pdf' });
    await driver.send('+5214771234567', '', 'r2', { bytes: jpeg, mimetype: 'image/jpeg', filename: 'foto.jpg' });
    const [[, doc], [, photo]] = client().sent as unknown as [string, Record<string, unknown>][];
    expect(doc).toBeInstanceOf(fake.module.default.MessageMedia);
    expect({ ...doc }).toEqual({ mimetype: 'application/pdf', data: pdfBytes.toString('base64'), filename: 'Guía.pdf', filesize: pdfBytes.length });
    expect({ ...photo }).toMatchObject({ mimetype: 'image/jpeg', data: jpeg.toString('base64') });
    expect(client().sendOptions).toEqual([
      { sendSeen: false, caption: 'Aquí la guía', sendMediaAsDocument: true },
      { sendSeen: false, caption: undefined, sendMediaAsDocument: false },
    ]);
  });

  it('sends without marking the chat seen and without a link preview (both make WhatsApp Web fetch and can throw)', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().emit('ready');
    await driver.send('+5214771234567', 'mira https://example.com', 'r1');
    expect(client().sendOptions).toEqual([{ sendSeen: false, linkPreview: false }]);
  });

  it('looks each line up once: the next sends to it reuse WhatsApp’s id', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().numbers.set('5214771234567@c.us', '524771234567@c.us');
    client().emit('ready');
    await driver.send('+5214771234567', 'uno', 'r1');
    await driver.send('+524771234567', 'dos', 'r2'); // the same line written the other way
    await driver.send('+5214771234567', 'tres', 'r3');
    expect(client().lookups).toEqual(['5214771234567@c.us']);
    expect(client().sent.map(([to]) => to)).toEqual(['524771234567@c.us', '524771234567@c.us', '524771234567@c.us']);
  });

  it('leaves signals to the service: puppeteer must not kill Chromium before the clean shutdown', async () => {
    const { driver, client } = setup();
    await driver.connect();
    expect(client().options.puppeteer).toMatchObject({ handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  });

  it('says no_whatsapp for a number without an account', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().numbers.set('5214779999999@c.us', null);
    client().emit('ready');
    await expect(driver.send('+5214779999999', 'hola', 'r1')).rejects.toMatchObject({ code: 'no_whatsapp' });
  });

  it('lists our messages to a phone since a moment, with the reference it was sent with', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().emit('ready');
    const { waId } = await driver.send('+5214771234567', 'respuesta', 'ref-9');
    const now = Math.floor(Date.now() / 1000);
    const own = (id: string, body: string, t: number) => ({ ...incoming(id), id: { _serialized: id, fromMe: true }, fromMe: true, body, timestamp: t });
    const history = [own('old', 'vieja', now - 600), incoming('de-el'), own(waId, 'respuesta', now)];
    client().chats = [{ id: { _serialized: USER }, fetchMessages: async () => history }];
    const since = new Date(Date.now() - 1_000);
    expect(await driver.recentOutgoing('+5214771234567', since)).toEqual([
      { waId, to: '+5214771234567', body: 'respuesta', at: new Date(now * 1000), clientRef: 'ref-9' },
    ]);
  });

  it('says which of our messages carried a file: its type and the sha256 WhatsApp keeps (filehash, base64)', async () => {
    const { driver, client } = setup();
    await driver.connect();
    client().emit('ready');
    const now = Math.floor(Date.now() / 1000);
    const bytes = Buffer.from('%PDF-1.4 guía');
    const sha = createHash('sha256').update(bytes).digest();
    const doc = {
      ...incoming('doc'), id: { _serialized: 'doc', fromMe: true }, fromMe: true, body: '', timestamp: now, type: 'document', hasMedia: true,
      _data: { mimetype: 'application/pdf', filehash: sha.toString('base64'), filename: 'guia.pdf' },
    };
    client().chats = [{ id: { _serialized: USER }, fetchMessages: async () => [doc] }];
    expect(await driver.recentOutgoing('+5214771234567', new Date(Date.now() - 1_000))).toEqual([
      { waId: 'doc', to: '+5214771234567', body: '', at: new Date(now * 1000), media: { mimetype: 'application/pdf', sha256: sha.toString('hex') } },
    ]);
  });
});
