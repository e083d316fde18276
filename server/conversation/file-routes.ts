import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorOf } from '../auth/guard.ts';
import type { Db } from '../db/database.ts';
import { idParam } from '../http/common.ts';
import { AppError, fileTooLarge, invalidRequest, storageFull, storageUnavailable, ticketNotFound, typeNotAllowed } from '../http/errors.ts';
import { StorageError } from '../media/store.ts';
import { adjuntoOf, attachmentOfMessage } from '../messages/attachments.ts';
import { MAX_FILE_BYTES, prepareFile, type Refusal } from '../media/prepare.ts';
import { MAX_PIXELS } from '../media/images.ts';
import type { StorageQuota } from '../media/quota.ts';
import { ticketExists } from '../tickets/tickets.ts';
import { failureFor, sendHeaders } from './routes.ts';
import type { Replies } from './send.ts';

const MB = MAX_FILE_BYTES / 1024 / 1024;
const tooLarge = () => fileTooLarge(`El archivo supera el máximo de ${MB} MB.`);
const notAllowed = typeNotAllowed;
const ALLOWED_TEXT = 'Se admiten imágenes (JPG, PNG, GIF, WebP), PDF y documentos de Word o Excel.';

function refusalError(reason: Refusal): AppError {
  switch (reason) {
    case 'too_large':
      return tooLarge();
    case 'too_many_pixels':
      return fileTooLarge(`La imagen tiene más de ${MAX_PIXELS / 1_000_000} megapíxeles.`);
    case 'empty':
      return invalidRequest('El archivo está vacío.');
    case 'name_mismatch':
      return notAllowed(`La extensión del nombre no corresponde al contenido del archivo. ${ALLOWED_TEXT}`);
    case 'unreadable':
      return notAllowed('No se pudo leer la imagen: el archivo está dañado o no es una imagen.');
    case 'not_allowed':
      return notAllowed(`Tipo de archivo no permitido. ${ALLOWED_TEXT}`);
  }
}

interface Upload {
  bytes: Buffer;
  filename: string;
  caption: string;
}

/** Reads the one file (`archivo`) and the optional caption (`mensaje`), mapping the parser's limits to the contract. */
async function readUpload(request: FastifyRequest, maxChars: number): Promise<Upload> {
  let file: { bytes: Buffer; filename: string } | null = null;
  let caption = '';
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'archivo' || file) {
          part.file.resume();
          throw invalidRequest('Envía un solo archivo, en el campo "archivo".');
        }
        file = { bytes: await part.toBuffer(), filename: part.filename ?? '' };
      } else if (part.fieldname === 'mensaje') {
        caption = String(part.value ?? '');
      }
    }
  } catch (err) {
    throw uploadError(err, request);
  }
  if (!file) throw invalidRequest('Falta el archivo: envíalo en el campo "archivo" (multipart/form-data).');
  if ([...caption].length > maxChars) throw invalidRequest(`mensaje: el mensaje admite hasta ${maxChars} caracteres`);
  return { ...file, caption: caption.trim() === '' ? '' : caption };
}

/**
 * What the form's parse raised, as the contract's error. Only the client's bytes are read here, so
 * an error the parser has no code for (busboy's "Boundary not found", "Unexpected end of multipart
 * data", a boundary too long to search for) is a form that is broken or cut short, not our fault.
 */
function uploadError(err: unknown, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  switch ((err as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge();
    case 'FST_FILES_LIMIT':
      return invalidRequest('Envía un solo archivo, en el campo "archivo".');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return invalidRequest('El archivo debe enviarse como multipart/form-data, en el campo "archivo".');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return invalidRequest('El formulario tiene campos de más o no es válido.');
  }
  request.log.info({ reason: (err as Error | null)?.message }, 'multipart form refused');
  return invalidRequest('El formulario multipart no es válido o llegó incompleto: envía el archivo de nuevo.');
}

export interface FileRouteDeps {
  db: Db;
  replies: Replies;
  quota: StorageQuota;
  maxChars: number;
}

/**
 * `POST /ticket/:id/enviar-archivo`: the same path as enviar-mensaje (stored first, the outbox's
 * lanes, 503/504, Idempotency-Key) with a checked file. Multipart is accepted on this route only;
 * the session cookie is SameSite=Strict, so a cross-site form cannot post here signed in.
 */
export const fileRoutes: FastifyPluginAsyncZod<FileRouteDeps> = async (app, deps) => {
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 4, parts: 6, fieldSize: 64 * 1024, headerPairs: 100 },
  });

  app.post('/ticket/:id/enviar-archivo', { schema: { params: idParam, headers: sendHeaders } }, async (request) => {
    const ticketId = request.params.id;
    if (!(await ticketExists(deps.db, ticketId))) throw ticketNotFound(ticketId);
    const upload = await readUpload(request, deps.maxChars);
    const prepared = await prepareFile(upload.bytes, upload.filename);
    if (!prepared.ok) throw refusalError(prepared.reason);
    if (!(await deps.quota.fits(prepared.file.bytes))) {
      request.log.warn({ ticketId, bytes: prepared.file.bytes.length, limit: deps.quota.limitBytes }, 'media storage full');
      throw storageFull('El almacenamiento de archivos está lleno (MEDIA_MAX_MB). Pide a un administrador que libere espacio o lo amplíe.');
    }
    const result = await deps.replies
      .send({
        ticketId,
        text: upload.caption,
        file: prepared.file,
        author: authorOf(request.principal),
        idempotencyKey: request.headers['idempotency-key'],
      })
      .catch((err: unknown) => {
        // The disk's fault (full, read-only): nothing was stored; the detail shows it until it ends.
        throw err instanceof StorageError ? storageUnavailable(err.fault) : err;
      });
    if (result.kind === 'ticket_not_found') throw ticketNotFound(ticketId);
    if (result.kind === 'key_reused') throw invalidRequest('Esa Idempotency-Key ya se usó con otro ticket.');
    if (result.outcome.kind !== 'sent') throw failureFor(result.outcome, ticketId);
    const attachment = await attachmentOfMessage(deps.db, result.messageId);
    if (!attachment) throw invalidRequest('Esa Idempotency-Key ya se usó para un mensaje sin archivo.');
    request.log.info({ ticketId, messageId: result.messageId, attachmentId: attachment.id, bytes: attachment.bytes }, 'file sent');
    return {
      status: 'enviado',
      ticket_id: ticketId,
      telefono: result.ticket.phone,
      mensaje: 'Mensaje enviado correctamente',
      adjunto: adjuntoOf(attachment),
    };
  });
};
