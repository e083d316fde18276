import { cleanImage } from './images.ts';
import { sanitizeFilename } from './names.ts';
import { detectType, isImage } from './types.ts';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface PreparedFile {
  bytes: Buffer;
  mimetype: string;
  filename: string;
}

export type Refusal = 'not_allowed' | 'name_mismatch' | 'too_many_pixels' | 'unreadable' | 'too_large' | 'empty';
export type PrepareResult = { ok: true; file: PreparedFile } | { ok: false; reason: Refusal };

/**
 * Turns an upload into what will be stored and sent, or says why it cannot be: size, type by
 * content, the name agreeing with it, images cleaned and bounded. Nothing is written here.
 */
export async function prepareFile(bytes: Buffer, filename: string): Promise<PrepareResult> {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, reason: 'too_large' };
  const verdict = await detectType(bytes, filename);
  if (!verdict.ok) return { ok: false, reason: verdict.reason };
  let { ext, mime } = verdict.type;
  let stored = bytes;
  if (isImage(mime)) {
    const image = await cleanImage(bytes, mime);
    if (!image.ok) return { ok: false, reason: image.reason };
    ({ bytes: stored, mime, ext } = image);
  }
  return { ok: true, file: { bytes: stored, mimetype: mime, filename: sanitizeFilename(filename, ext) } };
}
