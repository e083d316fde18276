import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import { allAwaitingFile, awaitingFile, setExtra, toEntry, type AwaitingFileRow } from '../messages/index.ts';
import { adjuntoOf } from '../messages/attachments.ts';
import { sanitizeFilename } from './names.ts';
import { cleanImage } from './images.ts';
import type { StorageQuota } from './quota.ts';
import { StorageError, type MediaStore } from './store.ts';
import { detectType, extensionOf, isImage } from './types.ts';
import { fileTypeFromBuffer } from 'file-type';
import { withTimeout } from '../delivery/transport.ts';

/** A received file as the driver fetched it (the driver contract's InboundMedia). */
export interface ReceivedFile {
  bytes: Buffer;
  mimetype: string;
  filename?: string;
}

/** Past this a received file is not kept (WhatsApp allows 2 GB documents; the disk is ours). */
export const MAX_INBOUND_BYTES = 64 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 120_000;
/** Downloads tried for one file before it is left marked as not downloadable. */
export const MAX_DOWNLOADS = 6;

// Types a browser may show or play from our origin; anything else is served as opaque bytes.
const SAFE_TYPES = new Set([
  'image/jpeg', 'image/png', 'image/gif', 'image/webp',
  'audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/wav', 'audio/x-wav', 'audio/opus', 'audio/amr',
  'video/mp4', 'video/3gpp', 'video/webm', 'video/quicktime',
  'application/pdf', 'application/zip',
]);

export interface InboundFilesDeps {
  db: Db;
  store: MediaStore;
  events: EventBus;
  log: Logger;
  /** MEDIA_MAX_MB: a file that does not fit waits (a failed try) until room is made. */
  quota?: StorageQuota;
  /** The driver's downloadMedia; absent when the driver cannot fetch files. */
  download?: (waId: string) => Promise<ReceivedFile | null>;
}

type PendingRow = AwaitingFileRow;

/**
 * Received files: each entry is stored first, marked `adjunto_pendiente`; its file is then
 * downloaded, written to the store and attached. A download that fails keeps the mark with the
 * reason and is tried again (after a reconnect, and every few minutes), at most MAX_DOWNLOADS times.
 */
export class InboundFiles {
  readonly #running = new Set<string>();

  constructor(private readonly deps: InboundFilesDeps) {}

  /** Fetches and files one entry's file; true when it is attached now. */
  async fetch(waId: string): Promise<boolean> {
    if (this.#running.has(waId) || !this.deps.download) return false;
    this.#running.add(waId);
    try {
      const row = await this.#pendingRow(waId);
      if (!row) return false;
      return await this.#fetchRow(row);
    } finally {
      this.#running.delete(waId);
    }
  }

  /** Every entry still waiting for its file, oldest first. */
  async retryPending(): Promise<number> {
    let attached = 0;
    for (const row of await this.#pendingRows()) if (await this.fetch(row.waId)) attached++;
    return attached;
  }

  async #fetchRow(row: PendingRow): Promise<boolean> {
    const { db, store, log } = this.deps;
    const extra = JSON.parse(row.extra) as Record<string, unknown>;
    const tries = Number(extra.adjunto_intentos ?? 0) + 1;
    let received: ReceivedFile | null;
    try {
      // A hung WhatsApp Web never answers: the try counts as failed and the next one comes later.
      received = await withTimeout(this.deps.download!(row.waId), DOWNLOAD_TIMEOUT_MS);
    } catch (err) {
      log.warn({ err, messageId: row.id, waId: row.waId, tries }, 'media download failed');
      const reason = tries >= MAX_DOWNLOADS ? 'No se pudo descargar el archivo de WhatsApp.' : 'No se pudo descargar el archivo de WhatsApp; se reintentará.';
      await this.#mark(row, extra, { adjunto_pendiente: reason, adjunto_intentos: tries });
      return false;
    }
    if (!received) {
      await this.#mark(row, extra, { adjunto_pendiente: 'WhatsApp ya no tiene este archivo (caducó o se borró).', adjunto_intentos: MAX_DOWNLOADS });
      return false;
    }
    if (received.bytes.length > MAX_INBOUND_BYTES) {
      const mb = Math.ceil(received.bytes.length / 1024 / 1024);
      await this.#mark(row, extra, { adjunto_pendiente: `El archivo (${mb} MB) supera el máximo que se guarda.`, adjunto_intentos: MAX_DOWNLOADS });
      return false;
    }
    const file = await describeReceived(received);
    if (this.deps.quota && !(await this.deps.quota.fits(file.bytes))) {
      log.warn({ messageId: row.id, bytes: file.bytes.length, tries }, 'media storage full');
      const reason = 'El almacenamiento de archivos está lleno (MEDIA_MAX_MB); se reintentará cuando haya espacio.';
      await this.#mark(row, extra, { adjunto_pendiente: reason, adjunto_intentos: tries });
      return false;
    }
    let sha256: string;
    try {
      sha256 = await store.put(file.bytes);
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      // The disk's fault, not the file's: no try is counted; it is fetched again once writes work.
      log.warn({ messageId: row.id, fault: err.fault }, 'media storage refused a received file');
      await this.#mark(row, extra, { adjunto_pendiente: WAITING_FOR_DISK[err.fault] });
      return false;
    }
    const entry = await db.write(async (tx) => {
      const attachment = await tx.attachment.create({
        data: { sha256, mimetype: file.mimetype, filename: file.filename, bytes: file.bytes.length, messageId: row.id },
      });
      const { adjunto_pendiente: _pending, adjunto_intentos: _tries, ...rest } = extra;
      return setExtra(tx, row.id, { ...rest, adjunto: adjuntoOf(attachment) });
    });
    log.info({ ticketId: row.ticketId, messageId: row.id, bytes: file.bytes.length, mimetype: file.mimetype }, 'media filed');
    this.deps.events.emit({ type: 'message', ticketId: row.ticketId, entry: toEntry(entry) });
    return true;
  }

  async #mark(row: PendingRow, extra: Record<string, unknown>, changes: Record<string, unknown>) {
    const entry = await this.deps.db.write((tx) => setExtra(tx, row.id, { ...extra, ...changes }));
    this.deps.events.emit({ type: 'message', ticketId: row.ticketId, entry: toEntry(entry) });
  }

  async #pendingRow(waId: string): Promise<PendingRow | null> {
    const row = await awaitingFile(this.deps.db, waId);
    return row && tries(row) < MAX_DOWNLOADS ? row : null;
  }

  async #pendingRows(): Promise<PendingRow[]> {
    return (await allAwaitingFile(this.deps.db)).filter((row) => tries(row) < MAX_DOWNLOADS);
  }
}

const WAITING_FOR_DISK = {
  lleno: 'El disco del servidor está lleno; el archivo se guardará cuando haya espacio.',
  solo_lectura: 'La carpeta de datos del servidor no admite escritura; el archivo se guardará cuando se pueda escribir.',
};

const tries = (row: PendingRow) => Number((JSON.parse(row.extra) as { adjunto_intentos?: number }).adjunto_intentos ?? 0);

/**
 * What we keep of a received file and the type we serve it as: what its bytes are when we
 * recognise them and a browser may show them; otherwise opaque bytes (`application/octet-stream`,
 * always a download). Images lose their metadata (EXIF with GPS, XMP, IPTC) as uploads do: the
 * end user's photo of a screen does not need to tell every technician where their home is. Unlike
 * uploads they keep their size (WhatsApp has already compressed what it calls a photo; a photo
 * sent as a document is evidence the technician may need to zoom into). One that cannot be decoded
 * safely (damaged, or over 40 megapixels) is kept as opaque bytes: never shown, only downloaded.
 */
export async function describeReceived(file: ReceivedFile): Promise<{ bytes: Buffer; mimetype: string; filename: string }> {
  const named = file.filename ?? '';
  const opaque = () => {
    // Unrecognised (or not safe to show): the sender's extension is kept for the download's name only.
    const ext = extensionOf(named) ?? /\.([A-Za-z0-9]{1,8})$/.exec(named)?.[1]?.toLowerCase() ?? 'bin';
    return { bytes: file.bytes, mimetype: 'application/octet-stream', filename: sanitizeFilename(named, ext) };
  };
  const allowed = await detectType(file.bytes, named.replace(/\.[^.]*$/, '') || 'archivo');
  if (allowed.ok && isImage(allowed.type.mime)) {
    const image = await cleanImage(file.bytes, allowed.type.mime, { resize: false });
    return image.ok ? { bytes: image.bytes, mimetype: image.mime, filename: sanitizeFilename(named, image.ext) } : opaque();
  }
  if (allowed.ok) return { bytes: file.bytes, mimetype: allowed.type.mime, filename: sanitizeFilename(named, allowed.type.ext) };
  const found = await fileTypeFromBuffer(file.bytes);
  const base = found?.mime.split(';')[0].trim();
  if (found && base && SAFE_TYPES.has(base)) return { bytes: file.bytes, mimetype: base, filename: sanitizeFilename(named, found.ext) };
  return opaque();
}
