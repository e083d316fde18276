import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import wwebjs from 'whatsapp-web.js';
import { DriverEventHub } from './driver-events.ts';
import {
  DriverError,
  type InboundMedia,
  type OutgoingMedia,
  type OutgoingRecord,
  type StateChange,
  type WhatsAppDriver,
} from './driver.ts';
import { catchUp, type ChatLike } from './wwebjs-catch-up.ts';
import {
  PUPPETEER_ARGS,
  findChromium,
  forgetChromiumPid,
  isExecutable,
  isRunning,
  killTree,
  recordChromiumPid,
} from './wwebjs-chromium.ts';
import {
  disconnectChange,
  isIndividualChatId,
  noChromiumReason,
  startFailureReason,
  toAckState,
  toChatId,
  toInboundMessage,
  type WwebjsMessageLike,
} from './wwebjs-mapping.ts';
import { withTimeout } from '../util/timeout.ts';

export { killOrphanChromium } from './wwebjs-chromium.ts';

const { Client, LocalAuth, MessageMedia } = wwebjs;

function toMessageMedia(media: OutgoingMedia) {
  return new MessageMedia(media.mimetype, media.bytes.toString('base64'), media.filename, media.bytes.length);
}
type WClient = InstanceType<typeof Client>;

export interface WwebjsDriverOptions {
  sessionDir: string;
  chromePath?: string;
  dataDir: string;
  logger: Logger;
  /** When the newest stored message from a phone was written, so a reconnect fetches only newer ones. */
  lastInboundAt?: (phone: string) => Promise<Date | null>;
  /** For a phone never seen: when the service last filed anything, so a chat read on the phone meanwhile is not missed. */
  newContactsSince?: () => Promise<Date | null>;
  /** E.164 phones worth catching up after a reconnect; without it, every one-to-one chat is looked at. */
  activeChats?: () => Promise<string[]>;
  /** How far back a reconnect looks for missed messages (default 7 days). */
  catchUpWindowMs?: number;
  /** How long closing Chromium may take before its processes are killed (default 10 s). */
  closeTimeoutMs?: number;
  /** Pause before asking again for the phone behind an @lid, times the attempt (default 1 s). */
  lidRetryMs?: number;
  /** How long after whatsapp-web.js injected to look for a socket that synced unseen (default 2 s). */
  lateReadyCheckMs?: number;
  /** More Chromium flags (the WhatsApp Web stand-in of `npm run test:wa` maps the host with them). */
  chromiumArgs?: string[];
}

/** WhatsApp Web learns a lid's phone from the phone's sync, often a moment after the message. */
const LID_ATTEMPTS = 3;

const NOT_READY = 'WhatsApp no está conectado.';

export function createWwebjsDriver(options: WwebjsDriverOptions): WwebjsDriver {
  return new WwebjsDriver(options);
}

/**
 * whatsapp-web.js behind the driver contract. One instance drives at most one Client (one
 * Chromium); the supervisor builds a new driver after a disconnect rather than reviving this one,
 * because whatsapp-web.js destroys its client when it reports `disconnected`.
 */
export class WwebjsDriver extends DriverEventHub implements WhatsAppDriver {
  readonly name = 'wwebjs' as const;
  readonly #options: WwebjsDriverOptions;
  readonly #log: Logger;
  #state: StateChange = { state: 'starting' };
  #client: WClient | null = null;
  #pid: number | null = null;
  #closing: Promise<void> | null = null;
  #catchingUp = false;
  #catchUpAgain = false;
  /** Clients whose sync event reached us (whatsapp-web.js emits `authenticated` from it). */
  readonly #synced = new WeakSet<WClient>();
  /** WhatsApp's id for each line already looked up (`521…@c.us` → `52…@c.us`): one lookup per line. */
  readonly #numberIds = new Map<string, string>();
  /** Our own reference for each recent send; WhatsApp cannot carry it. */
  readonly #refs = new Map<string, string>();

  constructor(options: WwebjsDriverOptions) {
    super();
    this.#options = options;
    this.#log = options.logger.child({ driver: 'wwebjs' });
  }

  state(): StateChange {
    return this.#state;
  }

  /** The pid of the running Chromium, for diagnostics and tests. */
  chromiumPid(): number | null {
    return this.#pid;
  }

  async connect(): Promise<void> {
    if (this.#client) return;
    await this.#closing;
    const chromePath = this.#options.chromePath ?? findChromium();
    if (!chromePath || !isExecutable(chromePath)) {
      this.#setState({ state: 'disconnected', reason: noChromiumReason(this.#options.chromePath) });
      return;
    }
    const client = this.#buildClient(chromePath);
    this.#client = client;
    this.#setState({ state: 'starting' });
    this.#log.info({ chromePath, sessionDir: this.#options.sessionDir }, 'starting whatsapp web');
    // Not awaited: initialize() settles only once WhatsApp Web has loaded, and never offline with a
    // black-holed network; the supervisor's watchdog covers the hang.
    client.initialize().catch((err: unknown) => this.#fail(client, { state: 'disconnected', reason: startFailureReason(err, chromePath) }, err));
  }

  async disconnect(): Promise<void> {
    await this.#close();
    this.#setState({ state: 'disconnected', reason: 'Conexión cerrada por el servicio.' });
  }

  async logout(): Promise<void> {
    const client = this.#client;
    if (client && this.#state.state === 'ready') {
      try {
        // Tells WhatsApp to unlink this device, then closes Chromium and deletes the session.
        await withTimeout(client.logout(), this.#closeTimeoutMs());
      } catch (err) {
        this.#log.warn({ err }, 'whatsapp logout did not finish; removing the session locally');
      }
    }
    await this.#close();
    this.#forgetSession();
    this.#setState({ state: 'logged_out', reason: 'Se desvinculó el número; escanee un nuevo código QR para vincularlo.' });
  }

  async isAlive(): Promise<boolean> {
    const client = this.#client;
    if (!client?.pupBrowser?.connected || !client.pupPage) return false;
    try {
      // A round trip through the page's main thread: a hung renderer never answers.
      return (await client.pupPage.evaluate('1 + 1')) === 2;
    } catch (err) {
      // WhatsApp Web reloading itself destroys the context for a moment; that is not a hang.
      return /context/i.test((err as Error).message);
    }
  }

  async send(to: string, body: string, clientRef: string, media?: OutgoingMedia): Promise<{ waId: string }> {
    const client = this.#readyClient();
    const chatId = await this.#whatsappId(client, to);
    let sent: { id: { _serialized: string } } | undefined;
    try {
      // Marking the chat seen and building a link preview are extra WhatsApp Web calls that can
      // throw after the message left, turning a delivered reply into an uncertain one.
      sent = media
        ? await client.sendMessage(chatId, toMessageMedia(media), {
            sendSeen: false,
            caption: body || undefined,
            // Images go as photos; everything else as a document that keeps its name.
            sendMediaAsDocument: !media.mimetype.startsWith('image/'),
          })
        : await client.sendMessage(chatId, body, { sendSeen: false, linkPreview: false });
    } catch (err) {
      this.#log.warn({ err, phone: to, clientRef }, 'send failed after handing over');
      throw new DriverError('send_failed', 'WhatsApp no confirmó el envío.');
    }
    if (!sent) throw new DriverError('send_failed', 'WhatsApp no devolvió el mensaje enviado.');
    this.#remember(sent.id._serialized, clientRef);
    this.#log.info({ phone: to, waId: sent.id._serialized, clientRef }, 'sent');
    return { waId: sent.id._serialized };
  }

  async downloadMedia(waId: string): Promise<InboundMedia | null> {
    const client = this.#readyClient();
    const message = await client.getMessageById(waId);
    if (!message?.hasMedia) return null;
    // Resolves undefined when WhatsApp no longer has the file (expired or deleted on the phone).
    const media = await message.downloadMedia();
    if (!media?.data) return null;
    return { bytes: Buffer.from(media.data, 'base64'), mimetype: media.mimetype, filename: media.filename ?? undefined };
  }

  async recentOutgoing(to: string, since: Date): Promise<OutgoingRecord[]> {
    const client = this.#readyClient();
    try {
      const number = isLid(to) ? { _serialized: to } : await client.getNumberId(toChatId(to));
      if (!number) return []; // no account: nothing can have reached it
      const chat = await client.getChatById(number._serialized);
      if (!chat) return [];
      // Not `fromMe: true`: with that filter whatsapp-web.js pages back through the whole history
      // of a chat where we wrote little. The last 50 cover any send timeout.
      const messages = (await chat.fetchMessages({ limit: 50 })) as unknown as WwebjsMessageLike[];
      const sinceSeconds = Math.floor(since.getTime() / 1000);
      return messages
        .filter((m) => (m.fromMe ?? m.id.fromMe) && m.timestamp >= sinceSeconds)
        .map((m) => ({
          waId: m.id._serialized,
          to,
          body: m.body,
          at: new Date(m.timestamp * 1000),
          ...(this.#refs.has(m.id._serialized) ? { clientRef: this.#refs.get(m.id._serialized) } : {}),
          ...(m.hasMedia || m._data?.mimetype ? { media: outgoingMediaOf(m) } : {}),
        }));
    } catch (err) {
      this.#log.warn({ err, phone: to }, 'could not read recent outgoing messages');
      throw new DriverError('not_ready', 'No se pudo consultar WhatsApp.');
    }
  }

  #buildClient(chromePath: string): WClient {
    const { sessionDir } = this.#options;
    const client = new Client({
      authStrategy: new PidRecordingAuth(
        { dataPath: sessionDir },
        (browserPid, userDataDir) => this.#browserStarted(client, browserPid, userDataDir),
        this.#log,
      ),
      // The index page WhatsApp Web is pinned to lives beside the session, not in the cwd.
      webVersionCache: { type: 'local', path: path.join(sessionDir, 'web-cache') },
      // The service's own shutdown closes Chromium after the last send settled; puppeteer's
      // handlers would kill it first on the same signal.
      puppeteer: {
        executablePath: chromePath,
        headless: true,
        args: [...PUPPETEER_ARGS, ...(this.#options.chromiumArgs ?? [])],
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      },
    });
    const current = () => this.#client === client;
    this.#containInjectFailures(client, chromePath);
    client.on('qr', (qr: string) => current() && this.#setState({ state: 'qr', qr }));
    client.on('authenticated', () => {
      this.#synced.add(client);
      if (current()) this.#setState({ state: 'authenticating' });
    });
    client.on('ready', () => current() && this.#ready(client));
    client.on('auth_failure', (message: string) =>
      this.#fail(client, { state: 'logged_out', reason: 'WhatsApp rechazó la sesión guardada; vincule de nuevo con el código QR.' }, message),
    );
    client.on('disconnected', (reason: string) => this.#fail(client, disconnectChange(reason), reason));
    client.on('change_state', (state: string) => {
      if (current() && state === 'CONNECTED' && this.#state.state === 'ready') this.#catchUp(client, 'reconnected');
    });
    client.on('message', (message: WwebjsMessageLike) => current() && void this.#receive(client, message));
    client.on('message_ack', (message: WwebjsMessageLike, ack: number) => current() && this.#ack(message, ack));
    return client;
  }

  /**
   * whatsapp-web.js re-injects its scripts from a `framenavigated` listener whose promise nobody
   * awaits; when the page is gone (the phone unlinked us and we closed the browser) that rejection
   * is unhandled and ends the whole process (wwebjs/whatsapp-web.js#3676). Failures to inject
   * become a state of this client instead.
   */
  #containInjectFailures(client: WClient, chromePath: string) {
    const patchable = client as unknown as { inject: () => Promise<void> };
    const inject = patchable.inject.bind(client);
    patchable.inject = async () => {
      try {
        await inject();
      } catch (err) {
        this.#fail(client, { state: 'disconnected', reason: startFailureReason(err, chromePath) }, err);
        return;
      }
      this.#watchForLateReady(client);
    };
  }

  /**
   * whatsapp-web.js emits `authenticated` and `ready` only from a `change:hasSynced` listener on
   * WhatsApp Web's socket (Client.js:409, attached at the end of inject()). After a restart on a
   * saved session the socket may finish syncing before that listener exists: the event never
   * comes, and the supervisor's watchdog would restart Chromium every 3 minutes, forever. A
   * socket that says it synced while this client saw no `authenticated` is sent down the
   * library's own ready path (the exposed `onAppStateHasSyncedEvent`, Client.js:295).
   */
  #watchForLateReady(client: WClient) {
    const timer = setTimeout(async () => {
      if (this.#client !== client || this.#synced.has(client) || !client.pupPage) return;
      try {
        const synced = await client.pupPage.evaluate(
          "window.require('WAWebSocketModel').Socket.hasSynced === true && typeof window.onAppStateHasSyncedEvent === 'function'",
        );
        if (!synced || this.#client !== client || this.#synced.has(client)) return;
        this.#log.warn('whatsapp web synced before its ready listener; taking the ready path');
        await client.pupPage.evaluate('window.onAppStateHasSyncedEvent()');
      } catch (err) {
        this.#log.warn({ err }, 'could not check for a late ready');
      }
    }, this.#options.lateReadyCheckMs ?? 2_000);
    timer.unref();
  }

  #browserStarted(client: WClient, pid: number | undefined, userDataDir: string) {
    if (!pid) return;
    if (this.#client !== client) {
      // Closed while Chromium was launching (destroy() had no browser to close yet): end it now.
      void killTree(pid);
      return;
    }
    this.#pid = pid;
    recordChromiumPid(this.#options.dataDir, pid, userDataDir);
    client.pupBrowser?.once('disconnected', () => {
      if (this.#client === client && !this.#closing) {
        this.#fail(client, { state: 'disconnected', reason: 'Chromium se cerró inesperadamente.' }, 'browser disconnected');
      }
    });
  }

  #ready(client: WClient) {
    this.#setState({ state: 'ready' });
    this.#catchUp(client, 'ready');
  }

  /**
   * Files what arrived while the link was down. Runs on `ready` and again whenever WhatsApp Web's
   * socket comes back to CONNECTED (a network blip gives no new `ready`); a run asked for while
   * one is under way follows it.
   */
  #catchUp(client: WClient, trigger: 'ready' | 'reconnected') {
    if (this.#catchingUp) {
      this.#catchUpAgain = true;
      return;
    }
    this.#catchingUp = true;
    catchUp({
      chats: () => this.#chatsToCatchUp(client),
      lastInboundAt: this.#options.lastInboundAt,
      newContactsSince: this.#options.newContactsSince,
      resolveLid: (lid) => this.#resolveLid(client, lid),
      emit: (message) => this.emitInbound(message),
      windowMs: this.#options.catchUpWindowMs ?? 7 * 24 * 3600_000,
      log: this.#log,
    })
      .then((recovered) => {
        this.#log.info({ recovered, trigger }, 'caught up on messages received while away');
        this.emitCatchUp({ recovered, at: new Date() });
      })
      .catch((err) => this.#log.warn({ err, trigger }, 'catch-up failed'))
      .finally(() => {
        this.#catchingUp = false;
        if (this.#catchUpAgain && this.#client === client && this.#state.state === 'ready') {
          this.#catchUpAgain = false;
          this.#catchUp(client, 'reconnected');
        }
      });
  }

  async #chatsToCatchUp(client: WClient): Promise<ChatLike[]> {
    if (!this.#options.activeChats) {
      const chats = (await client.getChats()) as unknown as ChatLike[];
      return chats.filter((chat) => !chat.isGroup && isIndividualChatId(chat.id._serialized));
    }
    const chats: ChatLike[] = [];
    for (const phone of await this.#options.activeChats()) {
      const number = await client.getNumberId(toChatId(phone));
      const chat = number ? await client.getChatById(number._serialized) : undefined;
      if (chat) chats.push(chat as unknown as ChatLike);
    }
    return chats;
  }

  async #receive(client: WClient, raw: WwebjsMessageLike) {
    try {
      const message = await toInboundMessage(raw, { resolveLid: (lid) => this.#resolveLid(client, lid) });
      if (!message.from && !message.lid) this.#log.warn({ waId: message.waId, chatId: raw.from }, 'inbound sender has no phone number');
      await this.emitInbound(message);
    } catch (err) {
      this.#log.error({ err, waId: raw.id?._serialized }, 'inbound message not handed over');
    }
  }

  #ack(message: WwebjsMessageLike, ack: number) {
    const state = toAckState(ack);
    // Acks of messages others sent us are our own read receipts: nothing to track.
    if (!state || !(message.fromMe ?? message.id.fromMe)) return;
    this.emitAck({ waId: message.id._serialized, state });
  }

  async #resolveLid(client: WClient, lid: string): Promise<string | null> {
    for (let attempt = 1; attempt <= LID_ATTEMPTS; attempt++) {
      try {
        const [found] = await client.getContactLidAndPhone([lid]);
        if (found?.pn) return found.pn;
      } catch (err) {
        this.#log.warn({ err, lid, attempt }, 'could not resolve @lid to a phone');
      }
      if (attempt < LID_ATTEMPTS) await new Promise((r) => setTimeout(r, (this.#options.lidRetryMs ?? 1000) * attempt));
    }
    this.#log.info({ lid }, 'no phone behind @lid; filed under the lid');
    return null;
  }

  #readyClient(): WClient {
    if (this.#state.state !== 'ready' || !this.#client) throw new DriverError('not_ready', NOT_READY);
    return this.#client;
  }

  /** WhatsApp's own id for a phone: it knows whether +521… / +52… or +549… / +54… is the live one. */
  async #whatsappId(client: WClient, phone: string): Promise<string> {
    if (isLid(phone)) return phone; // a writer known only by lid: WhatsApp addresses it as is
    const asked = toChatId(phone);
    const known = this.#numberIds.get(asked);
    if (known) return known;
    let number: { _serialized: string } | null;
    try {
      number = await client.getNumberId(asked);
    } catch (err) {
      this.#log.warn({ err, phone }, 'number lookup failed');
      throw new DriverError('not_ready', NOT_READY);
    }
    if (!number) throw new DriverError('no_whatsapp', `El número ${phone} no tiene WhatsApp.`);
    // Both forms of the line (+521…/+52…) now answer without asking WhatsApp again.
    this.#numberIds.set(asked, number._serialized);
    this.#numberIds.set(number._serialized, number._serialized);
    return number._serialized;
  }

  #remember(waId: string, clientRef: string) {
    this.#refs.set(waId, clientRef);
    if (this.#refs.size > 500) this.#refs.delete(this.#refs.keys().next().value!);
  }

  /** A failure of the current client: close it (no Chromium may stay), then say why. */
  #fail(client: WClient, change: StateChange, cause: unknown) {
    if (this.#client !== client) return;
    this.#log.warn({ state: change.state, reason: change.reason, cause: String(cause) }, 'whatsapp web stopped');
    void this.#close().then(() => {
      // An unlinked session cannot be restored: the next client must show a QR at once.
      if (change.state === 'logged_out') this.#forgetSession();
      this.#setState(change);
    });
  }

  #forgetSession() {
    fs.rmSync(path.join(this.#options.sessionDir, 'session'), { recursive: true, force: true });
  }

  #close(): Promise<void> {
    const client = this.#client;
    if (!client) return this.#closing ?? Promise.resolve();
    this.#client = null;
    const pid = this.#pid;
    this.#closing = (async () => {
      try {
        await withTimeout(client.destroy(), this.#closeTimeoutMs());
      } catch (err) {
        this.#log.warn({ err, chromiumPid: pid }, 'chromium did not close; killing it');
      }
      if (pid && isRunning(pid)) await killTree(pid);
      if (pid) forgetChromiumPid(this.#options.dataDir, pid);
      this.#pid = null;
    })().finally(() => (this.#closing = null));
    return this.#closing;
  }

  #closeTimeoutMs() {
    return this.#options.closeTimeoutMs ?? 10_000;
  }

  #setState(change: StateChange) {
    this.#state = change;
    this.emitState(change);
  }
}

/**
 * LocalAuth that reports the browser as soon as it is launched, before WhatsApp Web even loads,
 * and whose logout cannot throw: whatsapp-web.js calls it from the same unawaited listener.
 */
class PidRecordingAuth extends LocalAuth {
  constructor(options: { dataPath: string }, started: (pid: number | undefined, userDataDir: string) => void, log: Logger) {
    super(options);
    // whatsapp-web.js types the hooks as properties, so the overrides are too.
    this.afterBrowserInitialized = async () => {
      const self = this as unknown as { client: WClient; userDataDir: string };
      started(self.client.pupBrowser?.process()?.pid, self.userDataDir);
    };
    const removeSession = this.logout.bind(this);
    this.logout = async () => {
      await removeSession().catch((err: unknown) => log.warn({ err }, 'could not remove the whatsapp session'));
    };
  }
}

const isLid = (to: string) => /^\d+@lid$/.test(to);

/** What a sent file's message says about it, so a look-up after a restart can tell files apart. */
function outgoingMediaOf(m: WwebjsMessageLike): { mimetype?: string; sha256?: string } {
  const hash = m._data?.filehash ? Buffer.from(m._data.filehash, 'base64') : null;
  return {
    ...(m._data?.mimetype ? { mimetype: m._data.mimetype } : {}),
    ...(hash?.length === 32 ? { sha256: hash.toString('hex') } : {}),
  };
}
