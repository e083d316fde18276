import { ticketLabel } from '../lib/format.ts';
import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import { describeSendOutcome, type SendOutcome } from '../lib/send-outcome.ts';
import type { Plantilla, Ticket } from '../lib/types.ts';
import type { RepliesStore } from './replies.ts';

/** The Notificar button: a quick reply (the list admins edit), sent through the same contract endpoint. */
export function createNotifyStore(api: Api, replies: Pick<RepliesStore, 'list' | 'error' | 'load'>) {
  const sending = signal(false);

  /**
   * `key` belongs to one confirmation: a double click or a retry of the same confirmation
   * reaches the server with the same Idempotency-Key, so the user gets the message once.
   */
  async function send(ticket: Ticket, plantilla: Plantilla, key: string): Promise<SendOutcome> {
    sending.value = true;
    let failure: unknown = null;
    try {
      const headers = { 'Idempotency-Key': key };
      await api.post(`/ticket/${ticket.id}/enviar-mensaje`, { mensaje: plantilla.texto }, headers);
    } catch (caught) {
      failure = caught;
    } finally {
      sending.value = false;
    }
    const outcome = describeSendOutcome(failure);
    return failure ? outcome : { ...outcome, text: `Notificación «${plantilla.titulo}» enviada al ticket ${ticketLabel(ticket)}.` };
  }

  // The list is read again each time Notificar opens: an admin may just have edited it.
  return { plantillas: replies.list, error: replies.error, sending, load: replies.load, send };
}

export type NotifyStore = ReturnType<typeof createNotifyStore>;
