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

/** The audit log's actions (server/audit/hooks.ts and the WhatsApp watcher), as an admin reads them. */
export const AUDIT_ACTION_LABEL: Record<string, string> = {
  login: 'Inicio de sesión',
  login_fallido: 'Inicio de sesión fallido',
  login_bloqueado: 'Inicio de sesión bloqueado por intentos',
  logout: 'Cierre de sesión',
  sesiones_cerradas: 'Cerró sus otras sesiones',
  contrasena_cambiada: 'Cambió su contraseña',
  contrasena_fallida: 'Cambio de contraseña rechazado',
  contrasena_bloqueada: 'Cambio de contraseña bloqueado por intentos',
  cuenta_creada: 'Cuenta creada',
  cuenta_desactivada: 'Cuenta desactivada',
  cuenta_reactivada: 'Cuenta reactivada',
  contrasena_restablecida: 'Contraseña restablecida',
  token_creado: 'Token creado',
  token_revocado: 'Token revocado',
  whatsapp_vinculado: 'Vinculación de WhatsApp iniciada',
  whatsapp_enlazado: 'WhatsApp vinculado (código QR escaneado)',
  whatsapp_desvinculado: 'WhatsApp desvinculado',
  whatsapp_desvinculado_telefono: 'WhatsApp desvinculado desde el teléfono',
  exporte_csv: 'Exportó tickets (CSV)',
  exporte_xlsx: 'Exportó tickets (Excel)',
  exporte_pdf: 'Exportó tickets (PDF)',
  exporte_transcripcion: 'Exportó una transcripción (PDF)',
};

/** An action newer than this console still shows, as its machine word. */
export const auditActionLabel = (action: string) => AUDIT_ACTION_LABEL[action] ?? action;
