import { signal } from '@preact/signals';
import type { Tone } from '../lib/send-outcome.ts';

export interface Toast {
  id: number;
  tone: Tone;
  text: string;
}

const SHOW_MS = 8000;

/** Short confirmations that outlive the dialog that caused them (Notificar, Desvincular). */
export function createToastStore() {
  const toasts = signal<Toast[]>([]);
  let next = 1;

  function dismiss(id: number) {
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }

  function show(text: string, tone: Tone = 'success') {
    const id = next++;
    toasts.value = [...toasts.value, { id, tone, text }];
    setTimeout(() => dismiss(id), tone === 'error' ? SHOW_MS * 2 : SHOW_MS);
  }

  return { toasts, show, dismiss };
}

export type ToastStore = ReturnType<typeof createToastStore>;
