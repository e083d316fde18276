import { fileTypeFromBuffer, supportedExtensions } from 'file-type';

/** What may cross the bridge, by the extension a name may carry and the type it must contain. */
const ALLOWED: Record<string, { mime: string; names: string[] }> = {
  jpg: { mime: 'image/jpeg', names: ['jpg', 'jpeg', 'jfif'] },
  png: { mime: 'image/png', names: ['png'] },
  gif: { mime: 'image/gif', names: ['gif'] },
  webp: { mime: 'image/webp', names: ['webp'] },
  pdf: { mime: 'application/pdf', names: ['pdf'] },
  doc: { mime: 'application/msword', names: ['doc'] },
  xls: { mime: 'application/vnd.ms-excel', names: ['xls'] },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', names: ['docx'] },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', names: ['xlsx'] },
};

/** Every extension that names a file kind; a name ending otherwise ("informe.final") has none. */
const KNOWN_EXTENSIONS = new Set<string>([
  ...supportedExtensions,
  ...Object.values(ALLOWED).flatMap((type) => type.names),
  ...['html', 'htm', 'xhtml', 'svg', 'js', 'mjs', 'bat', 'cmd', 'com', 'scr', 'sh', 'ps1', 'vbs', 'hta', 'jar', 'txt', 'csv'],
]);

/** The extensions a name of an allowed type may carry (stripped before the real one is added). */
export const ALLOWED_NAME_EXTENSIONS = new Set(Object.values(ALLOWED).flatMap((type) => type.names));

export interface FileType {
  ext: string;
  mime: string;
}

export type TypeVerdict = { ok: true; type: FileType } | { ok: false; reason: 'not_allowed' | 'name_mismatch'; found?: string };

/**
 * Decides the type by the bytes alone (magic numbers), then checks the name agrees: a `.pdf`
 * that holds an executable, or a `.docx` that holds a PDF, is refused. A name without an
 * extension is fine; it gets the content's.
 */
export async function detectType(bytes: Uint8Array, filename: string): Promise<TypeVerdict> {
  const found = await fileTypeFromBuffer(bytes);
  const ext = found?.ext === 'cfb' ? compoundDocumentKind(bytes) : found?.ext;
  const allowed = ext ? ALLOWED[ext] : undefined;
  if (!ext || !allowed) return { ok: false, reason: 'not_allowed', found: found?.mime };
  const named = extensionOf(filename);
  if (named && !allowed.names.includes(named)) return { ok: false, reason: 'name_mismatch', found: allowed.mime };
  return { ok: true, type: { ext, mime: allowed.mime } };
}

export function extensionOf(filename: string): string | null {
  const match = /\.([A-Za-z0-9]{1,8})\s*$/.exec(filename);
  const ext = match?.[1].toLowerCase();
  return ext && KNOWN_EXTENSIONS.has(ext) ? ext : null;
}

export const isImage = (mime: string) => mime.startsWith('image/');

/**
 * Old Office files share one container (MS-CFB); the stream names in its directory say which
 * program wrote it. Anything else in that container (msi installers, Outlook items) is refused.
 */
function compoundDocumentKind(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.includes(Buffer.from('WordDocument', 'utf16le'))) return 'doc';
  if (buffer.includes(Buffer.from('Workbook', 'utf16le'))) return 'xls';
  return undefined;
}
