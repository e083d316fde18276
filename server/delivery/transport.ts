
/** A file to send with the message (the driver contract's OutgoingMedia, met structurally). */
export interface OutgoingMedia {
  bytes: Buffer;
  mimetype: string;
  filename: string;
}

/**
 * What the outbox needs from WhatsApp. Drivers satisfy it structurally; the outbox imports no
 * driver. Errors carry a `code`: `not_ready` (nothing left, safe to queue), `no_whatsapp`
 * (the number has no account: permanent); anything else leaves the outcome uncertain.
 */
export interface OutgoingRecord {
  waId: string;
  to: string;
  body: string;
  at: Date;
  clientRef?: string;
  /**
   * The file it carried, when it carried one and the driver can tell: its MIME type and, when
   * WhatsApp keeps it, the sha256 (hex) of the plain bytes. Lets a look-up tell a caption-less
   * file from another file, or a text, with the same (empty) body.
   */
  media?: { mimetype?: string; sha256?: string };
}

export interface Transport {
  isReady(): boolean;
  send(to: string, body: string, clientRef: string, media?: OutgoingMedia): Promise<{ waId: string }>;
  recentOutgoing(to: string, since: Date): Promise<OutgoingRecord[]>;
}

export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;

// One timeout helper for the whole server; re-exported here, where the outbox has always taken it from.
export { TimeoutError, withTimeout } from '../util/timeout.ts';
