import { ApiError } from './api.ts';

export type Tone = 'success' | 'info' | 'warning' | 'error';

export interface SendOutcome {
  /** The server holds the message: the text box may clear and a new send needs a new key. */
  stored: boolean;
  tone: Tone;
  text: string;
}

const WAITING_FOR_WHATSAPP =
  'WhatsApp no está conectado. Tu mensaje quedó guardado y se enviará automáticamente cuando WhatsApp vuelva.';
const WHATSAPP_SLOW =
  'WhatsApp no respondió a tiempo. Tu mensaje quedó guardado y saldrá cuando WhatsApp responda; no se enviará dos veces.';

/**
 * What a reply's answer means for the technician (docs/api.md's contract): 503 and 504 store the
 * message; 400 and 404 store nothing; 422 stores it as failed; anything else (network, 429, 500)
 * may or may not have stored it, so the text stays and a retry reuses the Idempotency-Key.
 */
export function describeSendOutcome(error: unknown): SendOutcome {
  if (!error) return { stored: true, tone: 'success', text: 'Mensaje enviado.' };
  if (!(error instanceof ApiError)) return { stored: false, tone: 'error', text: 'No se pudo enviar el mensaje. Inténtalo de nuevo.' };
  switch (error.status) {
    case 503:
      return { stored: true, tone: 'warning', text: WAITING_FOR_WHATSAPP };
    case 504:
      return { stored: true, tone: 'warning', text: WHATSAPP_SLOW };
    case 422:
      return { stored: true, tone: 'error', text: error.mensaje };
    default:
      return { stored: false, tone: 'error', text: error.mensaje };
  }
}
