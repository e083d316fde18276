import { ALLOWED_NAME_EXTENSIONS } from './types.ts';

const MAX_NAME = 120;

/**
 * A display and download name that is safe anywhere it is shown or saved: no folders, no control
 * or reserved characters, no leading dots, at most 120 characters, and the extension of what the
 * file really is.
 */
export function sanitizeFilename(raw: string, ext: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = base
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const dot = name.lastIndexOf('.');
  const named = name.slice(dot + 1).toLowerCase();
  if (dot > 0 && (ALLOWED_NAME_EXTENSIONS.has(named) || named === ext)) name = name.slice(0, dot);
  if (!name) name = 'archivo';
  const stem = [...name].slice(0, MAX_NAME - ext.length - 1).join('');
  return `${stem}.${ext}`;
}
