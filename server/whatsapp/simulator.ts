import { createHash, randomUUID } from 'node:crypto';
import type { SimulatorSent } from '../contract/index.ts';
import { DriverEventHub } from './driver-events.ts';
import { FilePhone, NEW_PHONE, type PhoneState, type SentMedia, type SentRecord, type SimulatedPhone, type SimulatorMode } from './simulator-phone.ts';
import {
  DriverError,
  type InboundKind,
  type InboundMedia,
  type InboundMessage,
  type InboundOutcome,
  type OutgoingMedia,
  type OutgoingRecord,
  type StateChange,
  type WhatsAppDriver,
} from './driver.ts';

export interface SimulatedInbound {
  from: string;
  body?: string;
  id?: string;
  name?: string;
  media?: { base64: string; mimetype: string; filename?: string };
  location?: { lat: number; lng: number };
}

const LABELS: Partial<Record<InboundKind, string>> = {
  image: '[Imagen]', video: '[Video]', audio: '[Audio]', voice: '[Nota de voz]', document: '[Documento]', location: '[Ubicación]',
};

/** The kind WhatsApp would give a file of this type (a voice note is Opus in Ogg). */
function mediaKind(mimetype: string): InboundKind {
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/ogg')) return 'voice';
  if (mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}

export type { SentMedia, SentRecord, SimulatorMode } from './simulator-phone.ts';

/**
 * An in-process stand-in for WhatsApp, for demos, training and tests. What reaches the "phones"
 * is recorded durably before `send` answers (a file in DATA_DIR on one process, the shared
 * database under several: see SimulatedPhone), so the record survives a crash of the service and
 * shows exactly what an end user would have received.
 */
export class SimulatorDriver extends DriverEventHub implements WhatsAppDriver {
  readonly name = 'simulator' as const;
  /** This process's copy of the phone's state; the phone (file or database) has the last word. */
  #state: PhoneState = NEW_PHONE;
  /** Changes of the phone's state, in the order asked. */
  #changes: Promise<unknown> = Promise.resolve();
  #connected = false;
  #loggedOut = false;
  readonly #qrNonce = randomUUID();
  /** Files end users sent, by message id, until the core fetches them. */
  readonly #media = new Map<string, InboundMedia>();
  readonly #phone: SimulatedPhone;

  constructor(dataDir: string, phone?: SimulatedPhone) {
    super();
    this.#phone = phone ?? new FilePhone(dataDir);
  }

  async connect() {
    // A new holder of the link finds the phone as the last one left it; a change of ours still
    // being written must land first, or reading the phone would undo it.
    await this.#changes;
    this.#state = await this.#phone.load();
    this.#connected = true;
    this.#loggedOut = false;
    this.#announce();
  }
  async disconnect() {
    this.#connected = false;
  }
  async logout() {
    this.#loggedOut = true;
    this.#announce();
  }

  state(): StateChange {
    if (!this.#connected) return { state: 'starting' };
    if (this.#loggedOut) return { state: 'logged_out', reason: 'Se desvinculó el número.' };
    // A hung WhatsApp Web still looks linked: `unresponsive` reports ready on purpose.
    if (this.#state.mode === 'disconnected') return { state: 'disconnected', reason: 'El simulador está desconectado.' };
    // Lets demos and tests show the linking page; the code links nothing.
    if (this.#state.mode === 'qr') return { state: 'qr', qr: `puente-simulador:${this.#qrNonce}` };
    return { state: 'ready' };
  }

  /**
   * Takes effect here at once (tests set a mode and send straight after); the returned promise
   * resolves once the phone (under several processes: the database, and the others told) has it.
   */
  setMode(mode: SimulatorMode): Promise<void> {
    this.#adopt({ ...this.#state, mode });
    return this.#change((state) => ({ ...state, mode }));
  }

  setHasWhatsApp(phone: string, has: boolean): Promise<void> {
    const apply = (state: PhoneState) => ({
      ...state,
      withoutWhatsApp: has ? state.withoutWhatsApp.filter((each) => each !== phone) : [...new Set([...state.withoutWhatsApp, phone])],
    });
    this.#adopt(apply(this.#state));
    return this.#change(apply);
  }

  mode(): SimulatorMode {
    return this.#state.mode;
  }

  /** Another process changed the phone: take its state (and announce a new connection state). */
  async refresh(): Promise<void> {
    await this.#changes;
    this.#adopt(await this.#phone.load());
  }

  #change(apply: (state: PhoneState) => PhoneState): Promise<void> {
    const done = this.#changes.then(() => this.#phone.change(apply)).then((state) => this.#adopt(state));
    this.#changes = done.catch(() => undefined);
    return done;
  }

  #adopt(state: PhoneState) {
    const before = this.state();
    this.#state = state;
    const after = this.state();
    if (before.state !== after.state || before.qr !== after.qr) this.#announce();
  }

  async send(to: string, body: string, clientRef: string, media?: OutgoingMedia): Promise<{ waId: string }> {
    if (this.state().state !== 'ready') throw new DriverError('not_ready', 'WhatsApp no está conectado.');
    if (this.#state.withoutWhatsApp.includes(to)) throw new DriverError('no_whatsapp', 'el número no tiene WhatsApp');
    const record: SentRecord = { to, body, id: `sim-${randomUUID()}`, at: new Date().toISOString(), clientRef };
    if (media) record.media = sentMedia(media);
    await this.#phone.record(record);
    if (this.#state.mode === 'unresponsive') return new Promise(() => {}); // arrived, but never says so
    setTimeout(() => this.emitAck({ waId: record.id, state: 'delivered' }), 50);
    return { waId: record.id };
  }

  async recentOutgoing(to: string, since: Date): Promise<OutgoingRecord[]> {
    if (this.state().state !== 'ready') throw new DriverError('not_ready', 'WhatsApp no está conectado.');
    // The phone's record, not this process's memory: under several processes the next holder
    // sees what the last one delivered before a takeover, so nothing is sent twice.
    return (await this.#phone.records())
      .filter((record) => record.to === to && new Date(record.at) >= since)
      .map((record) => ({
        waId: record.id,
        to,
        body: record.body,
        at: new Date(record.at),
        clientRef: record.clientRef,
        ...(record.media ? { media: { mimetype: record.media.mimetype, sha256: record.media.sha256 } } : {}),
      }));
  }

  /**
   * An end user writes: the same path a real inbound message takes after normalisation. A file
   * is kept here, as WhatsApp keeps it, until the core downloads it.
   */
  async receive(input: SimulatedInbound): Promise<InboundOutcome> {
    const waId = input.id ?? `sim-in-${randomUUID()}`;
    const text = input.body ?? '';
    const kind: InboundKind = input.media ? mediaKind(input.media.mimetype) : input.location ? 'location' : 'text';
    if (input.media) {
      this.#media.set(waId, { bytes: Buffer.from(input.media.base64, 'base64'), mimetype: input.media.mimetype, filename: input.media.filename });
    }
    const message: InboundMessage = {
      waId,
      from: input.from,
      body: kind === 'text' ? text : [LABELS[kind], input.location ? `${input.location.lat},${input.location.lng}` : '', text].filter(Boolean).join(' '),
      kind,
      at: new Date(),
      name: input.name,
      ...(input.media ? { hasMedia: true, caption: text } : {}),
      ...(input.location ? { location: input.location } : {}),
    };
    return this.emitInbound(message);
  }

  /** As WhatsApp Web's downloadMedia: the file of a received message, or null when none. */
  async downloadMedia(waId: string): Promise<InboundMedia | null> {
    if (this.state().state !== 'ready') throw new DriverError('not_ready', 'WhatsApp no está conectado.');
    return this.#media.get(waId) ?? null;
  }

  async sent(): Promise<SimulatorSent[]> {
    return (await this.#phone.records()).map(({ to, body, id, at, media }) => ({ to, body, id, at, ...(media ? { media } : {}) }));
  }

  #announce() {
    const change = this.state();
    this.emitState(change);
  }
}

function sentMedia(media: OutgoingMedia): SentMedia {
  const sha256 = createHash('sha256').update(media.bytes).digest('hex');
  return { mimetype: media.mimetype, filename: media.filename, bytes: media.bytes.length, sha256 };
}
