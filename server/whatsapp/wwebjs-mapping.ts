import type { AckState, InboundKind, InboundMessage, StateChange } from './driver.ts';

/**
 * Turns whatsapp-web.js objects into the driver contract's shapes. Pure and free of
 * whatsapp-web.js at run time, so it is tested on fixtures without a browser. The structural
 * types below name only the fields read here, with whatsapp-web.js's own names (`Message`
 * copies WhatsApp Web's raw model into `_data`).
 */
export interface WwebjsMessageLike {
  id: { _serialized: string; fromMe?: boolean; remote?: string };
  /** The chat for messages from others; our own chat id for our own messages. */
  from: string;
  to?: string;
  /** Who wrote it, inside a group or a status broadcast. */
  author?: string;
  body: string;
  type: string;
  /** Seconds since the epoch. */
  timestamp: number;
  fromMe?: boolean;
  isStatus?: boolean;
  hasMedia?: boolean;
  location?: { latitude: number | string; longitude: number | string; name?: string; address?: string };
  vCards?: string[];
  _data?: {
    notifyName?: string;
    vcardFormattedName?: string;
    vcardList?: { displayName?: string; vcard?: string }[];
    filename?: string;
    caption?: string;
    mimetype?: string;
    /** base64 of the sha256 of the file's plain bytes (WhatsApp's own field). */
    filehash?: string;
    /** For a call log: `miss`, `miss_video`, … (WhatsApp Web's CallLog subtypes). */
    subtype?: string;
  };
}

export interface MappingOptions {
  /** Finds the phone chat id (`…@c.us`) behind a privacy id (`…@lid`); null when WhatsApp will not say. */
  resolveLid?: (lid: string) => Promise<string | null> | string | null;
  recovered?: boolean;
}

const KINDS: Record<string, InboundKind> = {
  chat: 'text',
  image: 'image',
  video: 'video',
  audio: 'audio',
  ptt: 'voice',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  vcard: 'contact',
  multi_vcard: 'contact',
  call_log: 'call',
};

/** Technicians read these in the ticket, so a photo or a voice note is never an empty line. */
const LABELS: Record<InboundKind, string> = {
  text: '',
  image: '[Imagen]',
  video: '[Video]',
  audio: '[Audio]',
  voice: '[Nota de voz]',
  document: '[Documento]',
  sticker: '[Sticker]',
  location: '[Ubicación]',
  contact: '[Contacto]',
  call: '[Llamada de WhatsApp]',
  other: '[Mensaje no compatible]',
};

export async function toInboundMessage(msg: WwebjsMessageLike, opts: MappingOptions = {}): Promise<InboundMessage> {
  const fromMe = Boolean(msg.fromMe ?? msg.id.fromMe);
  const chatId = fromMe ? (msg.to ?? msg.from) : msg.from;
  const isGroup = chatId.endsWith('@g.us');
  // A channel (newsletter) is a broadcast like a status: nobody there writes to us.
  const isStatus =
    Boolean(msg.isStatus) || chatId === 'status@broadcast' || msg.id.remote === 'status@broadcast' || chatId.endsWith('@newsletter');
  // In a group or a status the chat is not a person: the writer is the author.
  const senderId = (isGroup || isStatus) && msg.author ? msg.author : chatId;
  const kind = KINDS[msg.type] ?? 'other';
  const name = msg._data?.notifyName || undefined;
  // The core files no group, status or channel message: a lookup there is a round trip to
  // WhatsApp Web (and a retry loop) for nothing.
  const from = isGroup || isStatus ? chatIdToPhone(senderId) : await phoneOf(senderId, opts.resolveLid);
  const lid = !from && !isGroup && !isStatus && senderId.endsWith('@lid') ? senderId : undefined;
  return {
    waId: msg.id._serialized,
    from: from ?? '',
    ...(lid ? { lid } : {}),
    body: describe(msg, kind),
    kind,
    at: new Date(msg.timestamp * 1000),
    ...(name ? { name } : {}),
    isGroup,
    isStatus,
    fromMe,
    ...(opts.recovered ? { recovered: true } : {}),
    ...attachments(msg, kind),
  };
}

const MEDIA_KINDS = new Set<InboundKind>(['image', 'video', 'audio', 'voice', 'document', 'sticker']);

/** The structured parts docs/api.md files beside the text: a file to fetch, a place, a contact. */
function attachments(msg: WwebjsMessageLike, kind: InboundKind): Partial<InboundMessage> {
  if (MEDIA_KINDS.has(kind)) return msg.hasMedia ? { hasMedia: true, caption: caption(msg) } : {};
  if (kind === 'location' && msg.location) {
    const lat = Number(msg.location.latitude);
    const lng = Number(msg.location.longitude);
    return Number.isFinite(lat) && Number.isFinite(lng) ? { location: { lat, lng } } : {};
  }
  if (kind === 'contact') {
    const card = msg.type === 'multi_vcard' ? (msg._data?.vcardList?.[0]?.vcard ?? '') : msg.body;
    const nombre = contactNames(msg)[0] ?? '';
    const telefono = vcardPhone(card);
    return nombre || telefono ? { contact: { nombre, telefono } } : {};
  }
  return {};
}

/** The card's WhatsApp number (`waid=`), else its first TEL line as written. */
export function vcardPhone(vcard: string): string {
  const waid = /waid=(\d{6,20})/i.exec(vcard)?.[1];
  if (waid) return `+${waid}`;
  return /^(?:item\d+\.)?TEL[^:]*:(.*)$/im.exec(vcard)?.[1]?.trim() ?? '';
}

function describe(msg: WwebjsMessageLike, kind: InboundKind): string {
  if (kind === 'text') return msg.body;
  if (kind === 'call') return callLabel(msg._data?.subtype);
  const label = kind === 'other' ? `[Mensaje no compatible: ${msg.type}]` : LABELS[kind];
  return [label, detail(msg, kind)].filter(Boolean).join(' ');
}

function detail(msg: WwebjsMessageLike, kind: InboundKind): string {
  switch (kind) {
    case 'location': {
      const where = msg.location ? `${msg.location.latitude},${msg.location.longitude}` : '';
      return [where, msg.location?.name, msg.location?.address].filter(Boolean).join(' ');
    }
    case 'contact':
      return contactNames(msg).join(', ');
    case 'document':
      return [msg._data?.filename, caption(msg)].filter(Boolean).join(' — ');
    case 'other':
      return '';
    default:
      return caption(msg);
  }
}

/**
 * Until a media message can be downloaded WhatsApp Web keeps a base64 thumbnail in `body`;
 * only the raw `caption` (or `body` once `hasMedia`) is what the person wrote.
 */
function caption(msg: WwebjsMessageLike): string {
  return msg._data?.caption ?? (msg.hasMedia ? msg.body : '');
}

function callLabel(subtype = ''): string {
  if (!subtype.startsWith('miss')) return LABELS.call;
  return subtype.includes('video') ? '[Videollamada perdida]' : '[Llamada perdida]';
}

function contactNames(msg: WwebjsMessageLike): string[] {
  if (msg.type === 'multi_vcard') {
    return (msg._data?.vcardList ?? []).map((card) => card.displayName || vcardName(card.vcard ?? '')).filter(Boolean);
  }
  const name = msg._data?.vcardFormattedName || vcardName(msg.body);
  return name ? [name] : [];
}

function vcardName(vcard: string): string {
  return /^FN[^:]*:(.*)$/m.exec(vcard)?.[1]?.trim() ?? '';
}

/** `5214771234567@c.us` → `+5214771234567`; `@lid` through the resolver; anything else → null. */
export async function phoneOf(
  id: string,
  resolveLid?: MappingOptions['resolveLid'],
): Promise<string | null> {
  if (id.endsWith('@lid')) {
    const resolved = resolveLid ? await resolveLid(id) : null;
    return resolved ? chatIdToPhone(resolved) : null;
  }
  return chatIdToPhone(id);
}

export function chatIdToPhone(id: string): string | null {
  const match = /^(\d{8,15})(?::\d+)?@(c\.us|s\.whatsapp\.net)$/.exec(id);
  return match ? `+${match[1]}` : null;
}

/** `+5214771234567` → `5214771234567@c.us`, the form whatsapp-web.js addresses people by. */
export function toChatId(phone: string): string {
  return `${phone.replace(/\D/g, '')}@c.us`;
}

export function isIndividualChatId(id: string): boolean {
  return id.endsWith('@c.us') || id.endsWith('@lid');
}

/** whatsapp-web.js MessageAck: -1 error, 0 pending (nothing to report), 1 server, 2 device, 3 read, 4 played. */
export function toAckState(ack: number): AckState | null {
  if (ack === -1) return 'failed';
  if (ack === 1) return 'sent';
  if (ack === 2) return 'delivered';
  if (ack >= 3) return 'read';
  return null;
}

/** For the operator, in Spanish, naming what to install or change. */
export function noChromiumReason(chromePath?: string): string {
  return chromePath
    ? `CHROME_PATH=${chromePath} no es un ejecutable: instale Chromium (apt-get install chromium) o corrija CHROME_PATH.`
    : 'No se encontró Chromium ni Google Chrome: instale Chromium (apt-get install chromium) o indique su ruta en CHROME_PATH.';
}

const NETWORK_ERROR = /net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|NETWORK_CHANGED|ADDRESS_UNREACHABLE|CONNECTION_[A-Z_]+|TIMED_OUT|PROXY_[A-Z_]+|TUNNEL_[A-Z_]+|CERT_[A-Z_]+)/;

/** Why `initialize()` rejected: offline it is `net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/`. */
export function startFailureReason(err: unknown, chromePath: string): string {
  // whatsapp-web.js throws bare strings ('auth timeout', 'ready timeout') besides Errors.
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  const network = NETWORK_ERROR.exec(message);
  if (network) return `No se pudo abrir WhatsApp Web: sin conexión a internet o DNS (${network[0]}).`;
  if (/Failed to launch|ENOENT|EACCES|spawn/i.test(message)) return `No se pudo iniciar Chromium (${chromePath}): ${message}`;
  if (/timeout/i.test(message)) return `WhatsApp Web no terminó de cargar a tiempo (${message}).`;
  return `No se pudo iniciar WhatsApp Web: ${message}`;
}

const DISCONNECT_REASONS: Record<string, string> = {
  CONFLICT: 'WhatsApp Web se abrió en otro navegador o computadora.',
  TOS_BLOCK: 'WhatsApp bloqueó este número (términos de servicio).',
  SMB_TOS_BLOCK: 'WhatsApp bloqueó este número (términos de servicio).',
  PROXYBLOCK: 'WhatsApp bloqueó la conexión desde esta red.',
  DEPRECATED_VERSION: 'WhatsApp rechazó esta versión de WhatsApp Web; actualice whatsapp-web.js.',
  TIMEOUT: 'WhatsApp Web dejó de responder.',
};

/** whatsapp-web.js's `disconnected` reason: `LOGOUT` or a WAState. Unpaired means the phone unlinked us. */
export function disconnectChange(reason: string): StateChange {
  if (reason === 'LOGOUT' || reason === 'UNPAIRED' || reason === 'UNPAIRED_IDLE') {
    return { state: 'logged_out', reason: 'El teléfono desvinculó este dispositivo: escanee un nuevo código QR para vincularlo.' };
  }
  return { state: 'disconnected', reason: DISCONNECT_REASONS[reason] ?? `WhatsApp Web se desconectó (${reason}).` };
}
