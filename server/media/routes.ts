import fs from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { StorageUse } from '../contract/index.ts';
import type { Db } from '../db/database.ts';
import { idParam } from '../http/common.ts';
import { notFound, rangeNotSatisfiable } from '../http/errors.ts';
import { findAttachment, storageTotal } from '../messages/attachments.ts';
import { parseRange } from './range.ts';
import type { MediaStore } from './store.ts';
import { isImage } from './types.ts';

export interface MediaRouteDeps {
  db: Db;
  store: MediaStore;
  /** MEDIA_MAX_MB in bytes, shown beside the total. */
  limitBytes: number;
}

/** `attachment; filename="…"; filename*=UTF-8''…` with an ASCII fallback for old clients. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'archivo';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export const mediaRoutes: FastifyPluginAsyncZod<MediaRouteDeps> = async (app, { db, store, limitBytes }) => {
  // Storage kept visible: files on disk (each counted once however many entries share it).
  app.get('/api/adjuntos/uso', async () => {
    const { files, bytes } = await storageTotal(db);
    return { archivos: files, bytes, limite: limitBytes } satisfies StorageUse;
  });

  app.get('/api/adjuntos/:id', { schema: { params: idParam } }, async (request, reply) => {
    const row = await findAttachment(db, request.params.id);
    if (!row || !store.has(row.sha256)) throw notFound(`No existe el adjunto ${request.params.id}.`);
    // Served as data, never as a page: the declared type is one of the allowed ones (never
    // text/html), the browser may not guess another, and a sandbox stops anything that runs.
    reply
      .header('Content-Type', row.mimetype)
      .header('Content-Length', row.bytes)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Content-Disposition', contentDisposition(isImage(row.mimetype) ? 'inline' : 'attachment', row.filename))
      .header('Cache-Control', 'private, max-age=31536000, immutable')
      .header('ETag', `"${row.sha256}"`)
      .header('Accept-Ranges', 'bytes');
    // A single byte range, so a voice note or video seeks in the browser without fetching it all.
    // If-Range naming another version means the whole file (ours never changes under one id).
    const ifRange = request.headers['if-range'];
    const range = ifRange && ifRange !== `"${row.sha256}"` ? null : parseRange(request.headers.range, row.bytes);
    if (range === 'unsatisfiable') {
      reply.header('Content-Range', `bytes */${row.bytes}`).removeHeader('Content-Length');
      throw rangeNotSatisfiable(`El adjunto tiene ${row.bytes} bytes; el rango pedido queda fuera.`);
    }
    if (range) {
      reply
        .code(206)
        .header('Content-Range', `bytes ${range.start}-${range.end}/${row.bytes}`)
        .header('Content-Length', range.end - range.start + 1);
      return reply.send(fs.createReadStream(store.pathOf(row.sha256), range));
    }
    return reply.send(fs.createReadStream(store.pathOf(row.sha256)));
  });
};
