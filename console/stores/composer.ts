import { signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import { newKey } from '../lib/format.ts';
import { describeSendOutcome, type Tone } from '../lib/send-outcome.ts';
import { formatBytes, MAX_UPLOAD_BYTES, uploadFile } from '../lib/upload.ts';

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
  /** The file to send with the text as its caption (attach button, drop or paste), shown before sending. */
  const file = signal<File | null>(null);
  /** 0–1 while a file is uploading. */
  const progress = signal<number | null>(null);
  /** The box writes an internal note (POST /ticket/:id/nota), which never reaches WhatsApp. */
  const asNote = signal(false);
  let pending: { text: string; file: File | null; key: string } | null = null;
  let epoch = 0;

  /** Takes a file if the server could accept its size; the type is the server's to decide. */
  function attach(chosen: File | null | undefined) {
    if (!chosen || sending.value) return;
    if (chosen.size > MAX_UPLOAD_BYTES) {
      notice.value = { tone: 'error', text: `El archivo pesa ${formatBytes(chosen.size)}; el máximo es 10 MB.` };
      return;
    }
    file.value = chosen;
    notice.value = null;
  }

  function detach() {
    if (!sending.value) file.value = null;
  }

  async function send(ticketId: number) {
    const text = draft.value;
    const attached = file.value;
    if (sending.value) return;
    if (!text.trim() && !attached) {
      notice.value = { tone: 'error', text: 'Escribe un mensaje antes de enviar.' };
      return;
    }
    if (asNote.value) return addNote(ticketId, text);
    const key = pending?.text === text && pending.file === attached ? pending.key : newKey();
    pending = { text, file: attached, key };
    const mine = epoch;
    sending.value = true;
    notice.value = null;
    let failure: unknown = null;
    try {
      if (attached) {
        progress.value = 0;
        await uploadFile(`/ticket/${ticketId}/enviar-archivo`, {
          file: attached,
          caption: text.trim() ? text : '',
          idempotencyKey: key,
          onProgress: (fraction) => mine === epoch && (progress.value = fraction),
        });
      } else {
        await api.post(`/ticket/${ticketId}/enviar-mensaje`, { mensaje: text }, { 'Idempotency-Key': key });
      }
    } catch (error) {
      failure = error;
    }
    if (mine === epoch) progress.value = null;
    if (mine !== epoch) return; // the chat closed meanwhile; the server has the outcome
    sending.value = false;
    const outcome = describeSendOutcome(failure);
    if (outcome.stored) {
      pending = null;
      if (draft.value === text) draft.value = ''; // keep anything typed while it was sending
      if (file.value === attached) file.value = null;
    }
    notice.value = outcome.tone === 'success' ? null : { tone: outcome.tone, text: outcome.text };
    if (!(failure instanceof ApiError && failure.status === 401)) onSettled();
  }

  async function addNote(ticketId: number, text: string) {
    const mine = epoch;
    sending.value = true;
    notice.value = null;
    try {
      await api.post(`/ticket/${ticketId}/nota`, { texto: text });
      if (mine !== epoch) return;
      if (draft.value === text) draft.value = '';
    } catch (error) {
      if (mine === epoch) notice.value = { tone: 'error', text: (error as Error).message };
    } finally {
      if (mine === epoch) sending.value = false;
    }
    if (mine === epoch) onSettled();
  }

  function reset() {
    epoch += 1;
    asNote.value = false;
    draft.value = '';
    sending.value = false;
    notice.value = null;
    pending = null;
    file.value = null;
    progress.value = null;
  }

  return { draft, sending, notice, asNote, file, progress, attach, detach, send, reset };
}

export type Composer = ReturnType<typeof createComposer>;
