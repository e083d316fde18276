import type { Delivery, Entry, LinkState, Priority, TicketStatus } from './types.ts';

/** The Spanish words technicians read; the server speaks in machine words. */
export const STATUS_LABEL: Record<TicketStatus, string> = {
  open: 'Abierto',
  in_progress: 'En proceso',
  on_hold: 'En espera',
  resolved: 'Resuelto',
  closed: 'Cerrado',
};

export const PRIORITY_LABEL: Record<Priority, string> = {
  baja: 'Baja',
  media: 'Media',
  alta: 'Alta',
  urgente: 'Urgente',
};

export const DELIVERY_LABEL: Record<Delivery, string> = {
  queued: 'En cola',
  sending: 'Enviando',
  sent: 'Enviado',
  delivered: 'Entregado',
  read: 'Leído',
  failed: 'Falló',
  unknown: 'Desconocido',
};

export const LINK_STATE_LABEL: Record<LinkState, string> = {
  starting: 'Iniciando',
  qr: 'Esperando escaneo del código QR',
  authenticating: 'Autenticando',
  ready: 'Conectado',
  disconnected: 'Desconectado',
  logged_out: 'Desvinculado',
};

// A value newer than this console (a server upgrade) must still read as something honest.
const lookup = <K extends string>(table: Record<K, string>, fallback: string) => (value: string) =>
  (table as Record<string, string>)[value] ?? fallback;

export const statusLabel = lookup(STATUS_LABEL, 'Desconocido');
export const priorityLabel = lookup(PRIORITY_LABEL, 'Sin prioridad');
export const deliveryLabel = lookup(DELIVERY_LABEL, DELIVERY_LABEL.unknown);
export const linkStateLabel = lookup(LINK_STATE_LABEL, 'Estado desconocido');

/** Only these states can be put back in the queue (POST /api/messages/:id/reenviar). */
export const canResend = (delivery: string | undefined) => delivery === 'failed' || delivery === 'unknown';

export const SENDER: Record<Entry['role'], { icon: string; label: string }> = {
  user: { icon: '👤', label: 'Usuario' },
  assistant: { icon: '🤖', label: 'Sistema' },
  tecnico: { icon: '👨‍💻', label: 'Técnico' },
  nota: { icon: '📝', label: 'Nota interna' },
};

/** Media arrive with little or no text; say what it was. */
export const KIND_LABEL: Record<string, string> = {
  image: 'Imagen',
  video: 'Video',
  audio: 'Audio',
  voice: 'Nota de voz',
  document: 'Documento',
  sticker: 'Sticker',
  location: 'Ubicación',
  contact: 'Contacto',
  other: 'Adjunto',
};
