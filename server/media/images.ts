import sharp, { type FormatEnum, type Metadata } from 'sharp';

// Each upload is processed once; libvips' operation cache would only hold memory.
sharp.cache(false);

export const MAX_SIDE = 1920;
export const JPEG_QUALITY = 80;
/** Past this many pixels an image is refused before it is decoded (a small file can declare billions). */
export const MAX_PIXELS = 40_000_000;

export type ImageResult =
  | { ok: true; bytes: Buffer; mime: string; ext: string }
  | { ok: false; reason: 'too_many_pixels' | 'unreadable' };

/**
 * What is stored is what is sent: metadata (EXIF with GPS, XMP, IPTC, comments) removed, the
 * camera's orientation applied to the pixels, and anything wider or taller than 1920 px scaled
 * to fit and re-encoded as JPEG q80 (unless `resize: false`: received files keep their size).
 * A clean image within bounds is kept byte for byte.
 */
export async function cleanImage(bytes: Buffer, mime: string, options: { resize?: boolean } = {}): Promise<ImageResult> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, animated }).metadata();
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const width = meta.width ?? 0;
  const frameHeight = meta.pageHeight ?? meta.height ?? 0;
  if (!width || !frameHeight) return { ok: false, reason: 'unreadable' };
  if (width * (meta.height ?? frameHeight) > MAX_PIXELS) return { ok: false, reason: 'too_many_pixels' };

  const oversize = options.resize !== false && Math.max(width, frameHeight) > MAX_SIDE;
  const carriesMetadata = Boolean(meta.exif || meta.xmp || meta.iptc || meta.comments?.length) || (meta.orientation ?? 1) !== 1;
  if (!oversize && !carriesMetadata) return { ok: true, bytes, mime, ext: meta.format === 'jpeg' ? 'jpg' : String(meta.format) };

  const autoOrient = (meta.orientation ?? 1) !== 1;
  try {
    if (oversize) {
      const out = await sharp(bytes, { limitInputPixels: MAX_PIXELS, autoOrient })
        .resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: JPEG_QUALITY })
        .toBuffer();
      return { ok: true, bytes: out, mime: 'image/jpeg', ext: 'jpg' };
    }
    // Same format, same size: only the metadata goes (sharp writes none unless asked).
    const out = await sharp(bytes, { limitInputPixels: MAX_PIXELS, animated, autoOrient })
      .toFormat(meta.format as keyof FormatEnum, meta.format === 'jpeg' ? { quality: 90 } : {})
      .toBuffer();
    return { ok: true, bytes: out, mime, ext: meta.format === 'jpeg' ? 'jpg' : String(meta.format) };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
}
