import { ticketLabel } from '../lib/format.ts';
import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import { describeSendOutcome, type SendOutcome } from '../lib/send-outcome.ts';
import type { Plantilla, Ticket } from '../lib/types.ts';

/** The Notificar button: a predefined message, sent through the same contract endpoint. */
export function createNotifyStore(api: Api) {
  const plantillas = signal<Plantilla[] | null>(null);
  const error = signal<string | null>(null);
  const sending = signal(false);

  /** The list rarely changes; fetched on first use. */
  async function load() {
    if (plantillas.value) return;
    try {
      plantillas.value = (await api.get<{ plantillas: Plantilla[] }>('/api/plantillas')).plantillas;
      error.value = null;
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  }

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

  return { plantillas, error, sending, load, send };
}

export type NotifyStore = ReturnType<typeof createNotifyStore>;
