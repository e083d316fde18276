/**
 * The wire contract (docs/api.md) as types: what the server answers and pushes, and what the
 * console reads. Shared by both; it imports nothing, so the console's bundle takes only these
 * names (and the two value lists) from the server. Change a shape here and both sides follow.
 */

export const STATUSES = ['open', 'in_progress', 'on_hold', 'resolved', 'closed'] as const;
export const PRIORITIES = ['baja', 'media', 'alta', 'urgente'] as const;
export type Status = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];

export interface Ticket {
  id: number;
  /** "TKT-" + 8 characters, unique, shown wherever the ticket is. */
  numero: string;
  phone: string;
  name: string | null;
  subject: string;
  description: string | null;
  status: Status;
  priority: Priority;
  category: string | null;
  assigneeId: number | null;
  unread: number;
  lastMessageAt: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** The end user's 1–5 answer to the satisfaction question (CSAT), null until they answer. */
  rating: number | null;
  /** Both SLA clocks; on GET /api/tickets (not on pushed ticket events). */
  sla?: TicketSla;
}

/** ok, then aviso (under 25 % of the target left), then vencido; cumplido = met in time. */
export type SlaState = 'ok' | 'aviso' | 'vencido' | 'cumplido';

/** One SLA clock, in business minutes. */
export interface SlaClock {
  /** When the target falls (or fell) due; null while paused, or when met in time. */
  vence: string | null;
  /** Business minutes left, rounded down; negative once due. */
  restante_min: number;
  estado: SlaState;
  /** Stands still: the ticket waits on the end user ("En espera") or is done. */
  pausado: boolean;
}

export interface TicketSla {
  primera_respuesta: SlaClock;
  resolucion: SlaClock;
}

/** Where an outgoing entry is on its way to WhatsApp; absent on entries that never go there. */
export type Delivery = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'unknown';

/**
 * Who wrote a history entry: the end user, the service itself, a technician, or an internal
 * note (never sent to WhatsApp; `/conversacion` shows notes only with `?notas=1`).
 */
export type Speaker = 'user' | 'assistant' | 'tecnico' | 'nota';

/** The file an entry carries (docs/api.md); `url` needs a session or token. */
export interface Adjunto {
  id: number;
  nombre: string;
  /** MIME type. */
  tipo: string;
  bytes: number;
  url: string;
}

/** One history entry: role, content, timestamp first (the integrations' shape), then ours. */
export interface Entry {
  id: number;
  role: Speaker;
  content: string;
  timestamp: string;
  kind: string;
  author?: string;
  /** A note's author (docs/api.md's name for it); assignment changes are notes of kind `sistema`. */
  autor?: string;
  delivery?: Delivery;
  deliveryInfo?: string;
  adjunto?: Adjunto;
  /** A received file not filed yet (or not downloadable): why, in Spanish. */
  adjunto_pendiente?: string;
  ubicacion?: { lat: number; lng: number };
  contacto?: { nombre: string; telefono: string };
  /** Fields an integration sent with its history come back as they were given. */
  [extra: string]: unknown;
}

export type LinkState = 'starting' | 'qr' | 'authenticating' | 'ready' | 'disconnected' | 'logged_out';

/** GET /api/whatsapp/status; the QR fields only reach admins. */
export interface LinkStatus {
  driver: string;
  state: LinkState;
  reason?: string;
  since: string;
  lastReadyAt: string | null;
  /** What the last catch-up after a (re)connect filed (wwebjs only), so an operator sees what came back. */
  lastCatchUp?: { recovered: number; at: string };
  /** Replies stored but not yet confirmed by WhatsApp. */
  queued: number;
  /** Whether the process that answered holds the WhatsApp link (several processes share one database). */
  titular?: boolean;
  qr?: string;
  qrImage?: string;
  /** The service's faults (GET /api/whatsapp/status only; the same as GET /healthz?detalle=1). */
  salud?: HealthDetail;
}

export type StorageState = 'ok' | 'lleno' | 'solo_lectura';
export type DatabaseState = 'ok' | 'ocupada' | 'error';
export type ClockState = 'ok' | 'salto_detectado';

/** One part of the service as the health detail reports it: its state, a sentence for people, since when. */
export interface HealthPart<S extends string> {
  estado: S;
  mensaje: string;
  desde?: string;
}

/** What a signed-in user learns from `GET /healthz?detalle=1` and the status's `salud`. */
export interface HealthDetail {
  almacenamiento: HealthPart<StorageState>;
  base_de_datos: HealthPart<DatabaseState>;
  whatsapp: HealthPart<LinkState>;
  reloj: HealthPart<ClockState>;
}

/** What GET /api/live pushes. */
export type LiveEvent =
  | { type: 'message'; ticketId: number; entry: Entry }
  | { type: 'delivery'; ticketId: number; messageId: number; delivery: Delivery; deliveryInfo?: string }
  | { type: 'ticket'; ticket: Ticket }
  | { type: 'whatsapp'; status: Omit<LinkStatus, 'queued'> & { queued?: number } }
  /** Someone of the team came online or left: read GET /api/equipo again. */
  | { type: 'equipo' };

/** An account's role (what it may do), not a history entry's speaker. */
export type AccountRole = 'admin' | 'tecnico';

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: AccountRole;
}

/** A quick reply (GET /api/respuestas-rapidas): what Notificar sends and `/` in the chat offers. */
export interface QuickReply {
  id: number;
  titulo: string;
  texto: string;
}

/** Notificar's name for a quick reply (GET /api/plantillas is the same list). */
export type Plantilla = QuickReply;

/** An integration token as GET /api/tokens lists it (never the secret). */
export interface ApiToken {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What POST /api/tokens answers: the secret, this once. */
export interface CreatedToken {
  id: number;
  name: string;
  token: string;
}

/** What the simulator's phones received (GET /api/simulator/sent); a file by its fingerprint. */
export interface SimulatorSent {
  to: string;
  body: string;
  id: string;
  at: string;
  media?: { mimetype: string; filename: string; bytes: number; sha256: string };
}

/** A ticket page (GET /api/tickets): `hay_mas` says whether another page follows. */
export interface TicketList {
  tickets: Ticket[];
  pagina: number;
  hay_mas: boolean;
}

/** The same line's earlier tickets (GET /api/tickets/:id/anteriores). */
export interface EarlierTickets {
  tickets: Ticket[];
}

/** A ticket's history (GET /ticket/:id/conversacion). */
export interface Conversation {
  historial: Entry[];
}

/** One technician's line on the dashboard. */
export interface TechnicianStats {
  id: number;
  nombre: string;
  tickets: number;
  respuestas: number;
  primera_respuesta_mediana_min: number | null;
}

/** How many of a period's tickets have a red SLA clock: due and unmet, or met late. */
export interface SlaBreaches {
  primera_respuesta: number;
  resolucion: number;
}

/** GET /api/estadisticas. */
export interface Statistics {
  /** First day, inclusive (YYYY-MM-DD, a calendar day in SLA_ZONA_HORARIA). */
  desde: string;
  /** Last day, inclusive (YYYY-MM-DD, a calendar day in SLA_ZONA_HORARIA). */
  hasta: string;
  /** The service's SLA_ZONA_HORARIA: desde and hasta are calendar days there. */
  zona_horaria: string;
  total: number;
  por_estado: Record<Status, number>;
  por_prioridad: Record<Priority, number>;
  sin_leer: number;
  primera_respuesta_mediana_min: number | null;
  resolucion_mediana_h: number | null;
  /** How many of the period's tickets were rated, and their mean (1–5). */
  valoraciones: number;
  satisfaccion_media: number | null;
  por_tecnico: TechnicianStats[];
  /** The period's tickets whose SLA clock is red: due and unmet, or met late. */
  sla_incumplidos: SlaBreaches;
}

/** One line of GET /api/auditoria. */
export interface AuditEvent {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  detail: unknown;
}

/** GET /api/auditoria: a page of events, newest first; `hay_mas` says whether another follows. */
export interface AuditPage {
  eventos: AuditEvent[];
  hay_mas: boolean;
}

/** Someone a ticket can be assigned to (GET /api/equipo). */
export interface TeamMember {
  id: number;
  nombre: string;
  /** A console of theirs is open (on any process). */
  en_linea?: boolean;
}

/** GET /api/equipo. */
export interface Team {
  equipo: TeamMember[];
}

/** GET and POST /api/categorias: the whole list after the change. */
export interface Categories {
  categorias: string[];
}

/** GET /api/users and GET /api/users/desactivadas (admins). */
export interface UserList {
  users: User[];
}

/** GET /api/tokens (admins). */
export interface ApiTokenList {
  tokens: ApiToken[];
}

/** GET /api/respuestas-rapidas. */
export interface QuickReplyList {
  respuestas: QuickReply[];
}

/** POST /api/auth/cerrar-otras: how many of the caller's other sessions ended. */
export interface SessionsEnded {
  cerradas: number;
}

/** GET /api/adjuntos/uso: files on disk (each counted once) and the configured ceiling. */
export interface StorageUse {
  archivos: number;
  bytes: number;
  limite?: number;
}

/** The machine words of the error bodies (`{ "error", "mensaje", … }`). */
export type ErrorWord =
  | 'solicitud_invalida'
  | 'no_autenticado'
  | 'sin_permiso'
  | 'ticket_no_encontrado'
  | 'no_encontrado'
  | 'estado_invalido'
  | 'cuerpo_demasiado_grande'
  | 'archivo_demasiado_grande'
  | 'tipo_no_permitido'
  | 'rango_no_valido'
  | 'almacenamiento_lleno'
  | 'almacenamiento_no_disponible'
  | 'base_de_datos_ocupada'
  | 'envio_rechazado'
  | 'demasiadas_solicitudes'
  | 'whatsapp_desconectado'
  | 'whatsapp_sin_respuesta'
  | 'error_interno';

export interface ErrorBody {
  error: ErrorWord;
  mensaje: string;
  [extra: string]: unknown;
}
