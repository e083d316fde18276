import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import type { Conversation, EarlierTickets, Entry, Ticket } from '../lib/types.ts';

/** How much of an earlier ticket's conversation the panel shows: its newest entries. */
const EARLIER_ENTRIES = 200;

/**
 * The end user's history beside the chat: the same line's earlier tickets
 * (GET /api/tickets/:id/anteriores) and, for the one picked, its conversation, read-only.
 */
export function createLineHistoryStore(api: Api) {
  const tickets = signal<Ticket[] | null>(null);
  const picked = signal<Ticket | null>(null);
  const entries = signal<Entry[] | null>(null);
  const error = signal<string | null>(null);
  // Bumped on every load, so the answer for a chat already closed is dropped.
  let epoch = 0;

  async function load(ticketId: number) {
    const mine = ++epoch;
    tickets.value = null;
    picked.value = null;
    entries.value = null;
    error.value = null;
    try {
      const answer = await api.get<EarlierTickets>(`/api/tickets/${ticketId}/anteriores`);
      if (mine === epoch) tickets.value = answer.tickets;
    } catch (failure) {
      if (mine === epoch) error.value = (failure as Error).message;
    }
  }

  async function pick(ticket: Ticket | null) {
    const mine = epoch;
    picked.value = ticket;
    entries.value = null;
    if (!ticket) return;
    try {
      const { historial } = await api.get<Conversation>(`/ticket/${ticket.id}/conversacion?notas=1&limite=${EARLIER_ENTRIES}`);
      if (mine === epoch && picked.value?.id === ticket.id) entries.value = historial;
    } catch (failure) {
      if (mine === epoch) error.value = (failure as Error).message;
    }
  }

  function reset() {
    epoch += 1;
    tickets.value = null;
    picked.value = null;
    entries.value = null;
    error.value = null;
  }

  return { tickets, picked, entries, error, load, pick, reset };
}

export type LineHistoryStore = ReturnType<typeof createLineHistoryStore>;
