import { signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import { newKey } from '../lib/format.ts';
import { describeSendOutcome, type Tone } from '../lib/send-outcome.ts';

export interface Notice {
  tone: Tone;
  text: string;
}

/**
 * The chat's text box and its send flow. The box clears only when the server holds the
 * message (200, 503, 504, 422); a refused or lost request keeps the text, and sending the same
 * text again reuses its Idempotency-Key so a retry after a lost answer never doubles it.
 */
export function createComposer(api: Api, { onSettled }: { onSettled: () => void }) {
  const draft = signal('');
  const sending = signal(false);
  const notice = signal<Notice | null>(null);
  let pending: { text: string; key: string } | null = null;
  let epoch = 0;

  async function send(ticketId: number) {
    const text = draft.value;
    if (sending.value) return;
    if (!text.trim()) {
      notice.value = { tone: 'error', text: 'Escribe un mensaje antes de enviar.' };
      return;
    }
    const key = pending?.text === text ? pending.key : newKey();
    pending = { text, key };
    const mine = epoch;
    sending.value = true;
    notice.value = null;
    let failure: unknown = null;
    try {
      await api.post(`/ticket/${ticketId}/enviar-mensaje`, { mensaje: text }, { 'Idempotency-Key': key });
    } catch (error) {
      failure = error;
    }
    if (mine !== epoch) return; // the chat closed meanwhile; the server has the outcome
    sending.value = false;
    const outcome = describeSendOutcome(failure);
    if (outcome.stored) {
      pending = null;
      if (draft.value === text) draft.value = ''; // keep anything typed while it was sending
    }
    notice.value = outcome.tone === 'success' ? null : { tone: outcome.tone, text: outcome.text };
    if (!(failure instanceof ApiError && failure.status === 401)) onSettled();
  }

  function reset() {
    epoch += 1;
    draft.value = '';
    sending.value = false;
    notice.value = null;
    pending = null;
  }

  return { draft, sending, notice, send, reset };
}

export type Composer = ReturnType<typeof createComposer>;
