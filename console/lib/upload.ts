import { ApiError } from './api.ts';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** What the server accepts (it decides by content; this only spares an upload bound to fail). */
export const ACCEPT = '.jpg,.jpeg,.png,.gif,.webp,.pdf,.doc,.docx,.xls,.xlsx,image/jpeg,image/png,image/gif,image/webp,application/pdf';

export interface UploadOptions {
  file: File;
  caption: string;
  idempotencyKey: string;
  /** 0–1 as the bytes leave the browser. */
  onProgress?: (fraction: number) => void;
}

/**
 * Sends a file with XMLHttpRequest, the one browser API that reports upload progress; failures
 * come back as the same ApiError the JSON client throws, so the outcome reads the same.
 */
export function uploadFile(path: string, { file, caption, idempotencyKey, onProgress }: UploadOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    if (caption) form.append('mensaje', caption);
    form.append('archivo', file, file.name || 'archivo');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Idempotency-Key', idempotencyKey);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress?.(event.loaded / event.total);
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const data = (body ?? {}) as { error?: string; mensaje?: string };
      reject(new ApiError(xhr.status, data.error ?? 'error', data.mensaje ?? `Error ${xhr.status}`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'sin_conexion', 'No se pudo conectar con el servidor. Revisa tu conexión e inténtalo de nuevo.'));
    xhr.send(form);
  });
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
