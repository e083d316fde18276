import type { LinkState } from '../contract/index.ts';

/**
 * The contract every WhatsApp driver keeps (the simulator and whatsapp-web.js).
 *
 * - `connect()` starts linking in the background and resolves once the attempt is under way or
 *   has failed; it never throws for a network or browser problem: such problems are states
 *   (`disconnected` with a reason), reported through `onState`.
 * - `send()` delivers one text (or one file with `body` as its caption) to an E.164 phone (or to the `…@lid` a message came from without one). It resolves with WhatsApp's serialized id once
 *   WhatsApp accepted the message. It rejects with `DriverError`: `not_ready` when nothing was
 *   handed to WhatsApp (safe to queue and retry), `no_whatsapp` when the number has no account
 *   (permanent), `send_failed` when the outcome is uncertain. A send may also never settle (a hung
 *   WhatsApp Web): the caller applies its own timeout and then asks `recentOutgoing()`.
 * - `recentOutgoing()` lists the messages our number sent to a phone since a moment, so that
 *   after a timeout or a crash the service can tell whether a message already left before
 *   sending it again. It rejects with `DriverError('not_ready')` when it cannot tell.
 * - Inbound messages arrive already normalised through `onInbound`; acks through `onAck`.
 *   Drivers filter nothing: the core decides what to ignore (groups, broadcasts, own messages).
 * - Drivers import nothing from the domain; the domain imports nothing from a driver.
 */

/** The contract's link states (starting, qr, authenticating, ready, disconnected, logged_out). */
export type ConnectionState = LinkState;

export interface StateChange {
  state: ConnectionState;
  /** Why the link is not ready, in Spanish, for the operator (set for disconnected/logged_out). */
  reason?: string;
  /** The raw QR payload while `state === 'qr'`. A credential: only admins may see it. */
  qr?: string;
}

export type InboundKind =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'voice'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contact'
  /** A call log: no one wrote it, so the core files it only as a line of a ticket in progress. */
  | 'call'
  /** Anything else WhatsApp Web emits (e2e and template notices, polls, undecrypted placeholders): the core files none. */
  | 'other';

export interface InboundMessage {
  /** WhatsApp's serialized message id; the dedupe key. */
  waId: string;
  /** E.164 phone of the end user (`+5214771234567`); empty when WhatsApp shows only a privacy id. */
  from: string;
  /** The writer's privacy id (`208734567890123@lid`) when no phone is known behind it: the line to file and answer under. */
  lid?: string;
  body: string;
  kind: InboundKind;
  /** When WhatsApp says the message was written. */
  at: Date;
  /** The contact's push name, when WhatsApp gives one. */
  name?: string;
  isGroup?: boolean;
  isStatus?: boolean;
  fromMe?: boolean;
  /** Fetched after a (re)connect rather than pushed live; filed the same way. */
  recovered?: boolean;
  /** A file (image, document, audio, voice note, video, sticker) the core fetches with `downloadMedia`. */
  hasMedia?: boolean;
  /** What the person wrote with a file; `body` stays the labelled line ("[Imagen] …"). */
  caption?: string;
  location?: { lat: number; lng: number };
  contact?: { nombre: string; telefono: string };
}

/** A received file as WhatsApp gives it: the type and name are the sender's claim, not checked. */
export interface InboundMedia {
  bytes: Buffer;
  mimetype: string;
  filename?: string;
}

/** What the core did with an inbound message; drivers count `filed` to log what they recovered. */
export type InboundOutcome = 'filed' | 'duplicate' | 'ignored';

export interface OutgoingRecord {
  waId: string;
  to: string;
  body: string;
  at: Date;
  /** The reference the service passed to `send()`, when the driver can keep it (simulator). */
  clientRef?: string;
  /** The file it carried (MIME type; sha256 hex of the plain bytes when WhatsApp gives it). */
  media?: { mimetype?: string; sha256?: string };
}

/** A file to send with a message; its caption is the message's body. */
export interface OutgoingMedia {
  bytes: Buffer;
  mimetype: string;
  filename: string;
}

export type AckState = 'sent' | 'delivered' | 'read' | 'failed';

export interface Ack {
  waId: string;
  state: AckState;
}

/** What a catch-up after a (re)connect filed: shown to the operator on the WhatsApp page. */
export interface CatchUpReport {
  recovered: number;
  at: Date;
}

export type DriverErrorCode = 'not_ready' | 'no_whatsapp' | 'send_failed';

export class DriverError extends Error {
  constructor(
    readonly code: DriverErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DriverError';
  }
}

export interface DriverEvents {
  onState(listener: (change: StateChange) => void): void;
  onInbound(listener: (message: InboundMessage) => Promise<InboundOutcome>): void;
  onAck(listener: (ack: Ack) => void): void;
  /** After each catch-up (wwebjs only; the simulator never misses anything). */
  onCatchUp?(listener: (report: CatchUpReport) => void): void;
}

export interface WhatsAppDriver extends DriverEvents {
  readonly name: 'simulator' | 'wwebjs';
  connect(): Promise<void>;
  /** Closes the link and frees its resources (Chromium); the session stays for the next start. */
  disconnect(): Promise<void>;
  /** Unlinks the number: the next connect asks for a new QR. */
  logout(): Promise<void>;
  state(): StateChange;
  /** With `media`, the file is sent and `body` is its caption (possibly empty). */
  send(to: string, body: string, clientRef: string, media?: OutgoingMedia): Promise<{ waId: string }>;
  recentOutgoing(to: string, since: Date): Promise<OutgoingRecord[]>;
  /**
   * The file of a received message, fetched again from WhatsApp (null when it has none or it
   * expired). Rejects when it cannot tell now (not ready, network): the core retries later.
   */
  downloadMedia?(waId: string): Promise<InboundMedia | null>;
}
