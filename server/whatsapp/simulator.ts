import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SimulatorSent } from '../contract/index.ts';
import { DriverEventHub } from './driver-events.ts';
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

export type SimulatorMode = 'ready' | 'disconnected' | 'unresponsive' | 'qr';

export interface SentRecord {
  to: string;
  body: string;
  id: string;
  at: string;
  clientRef: string;
  /** What a phone received as a file: enough to check it byte for byte without keeping it. */
  media?: SentMedia;
}

export interface SentMedia {
  mimetype: string;
  filename: string;
  bytes: number;
  sha256: string;
}

/**
 * An in-process stand-in for WhatsApp, for demos, training and tests. What reaches the "phones"
 * is appended to a file and fsynced before `send` answers, so the record survives a crash of the
 * service and shows exactly what an end user would have received.
 */
export class SimulatorDriver extends DriverEventHub implements WhatsAppDriver {
  readonly name = 'simulator' as const;
  #mode: SimulatorMode = 'ready';
  #connected = false;
  /** Phones the simulator treats as having no WhatsApp account, to show a `failed` reply. */
  readonly #withoutWhatsApp = new Set<string>();
  #loggedOut = false;
  readonly #qrNonce = randomUUID();
  /** Files end users sent, by message id, until the core fetches them. */
  readonly #media = new Map<string, InboundMedia>();
  readonly #file: string;

  constructor(dataDir: string) {
    super();
    this.#file = path.join(dataDir, 'simulator-sent.jsonl');
  }

  async connect() {
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
    if (this.#mode === 'disconnected') return { state: 'disconnected', reason: 'El simulador está desconectado.' };
    // Lets demos and tests show the linking page; the code links nothing.
    if (this.#mode === 'qr') return { state: 'qr', qr: `puente-simulador:${this.#qrNonce}` };
    return { state: 'ready' };
  }

  setMode(mode: SimulatorMode) {
    this.#mode = mode;
    this.#announce();
  }

  setHasWhatsApp(phone: string, has: boolean) {
    if (has) this.#withoutWhatsApp.delete(phone);
    else this.#withoutWhatsApp.add(phone);
  }

  mode(): SimulatorMode {
    return this.#mode;
  }

  async send(to: string, body: string, clientRef: string, media?: OutgoingMedia): Promise<{ waId: string }> {
    if (this.state().state !== 'ready') throw new DriverError('not_ready', 'WhatsApp no está conectado.');
    if (this.#withoutWhatsApp.has(to)) throw new DriverError('no_whatsapp', 'el número no tiene WhatsApp');
    const record: SentRecord = { to, body, id: `sim-${randomUUID()}`, at: new Date().toISOString(), clientRef };
    if (media) record.media = sentMedia(media);
    appendDurably(this.#file, record);
    if (this.#mode === 'unresponsive') return new Promise(() => {}); // arrived, but never says so
    setTimeout(() => this.emitAck({ waId: record.id, state: 'delivered' }), 50);
    return { waId: record.id };
  }

  async recentOutgoing(to: string, since: Date): Promise<OutgoingRecord[]> {
    if (this.state().state !== 'ready') throw new DriverError('not_ready', 'WhatsApp no está conectado.');
    // The file, not this process's copy: processes sharing DATA_DIR (several on one database)
    // see what the other one delivered before a takeover, so nothing is sent twice.
    return readRecords(this.#file)
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

  sent(): SimulatorSent[] {
    return readRecords(this.#file).map(({ to, body, id, at, media }) => ({ to, body, id, at, ...(media ? { media } : {}) }));
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

function appendDurably(file: string, record: SentRecord) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, `${JSON.stringify(record)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function readRecords(file: string): SentRecord[] {
  if (!fs.existsSync(file)) return [];
  const records: SentRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // a line torn by a crash mid-write was never acknowledged to anyone: skip it
    }
  }
  return records;
}
