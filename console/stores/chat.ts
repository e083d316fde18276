import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import { createPoller } from '../lib/poll.ts';
import type { Conversation, Entry, LiveEvent, Ticket, TicketStatus } from '../lib/types.ts';
import { createComposer } from './composer.ts';
import { applyEntryEvent, mergeNewest, PAGE_SIZE } from './entries.ts';

export type ChatMode = 'chat' | 'history';

interface Hooks {
  /** A ticket this store changed (status, unread), so the table shows it at once. */
  onTicket?: (ticket: Ticket) => void;
}

/** The one open conversation (live chat or read-only history); opening another closes it. */
export function createChatStore(api: Api, hooks: Hooks = {}) {
  const ticket = signal<Ticket | null>(null);
  const mode = signal<ChatMode | null>(null);
  const entries = signal<Entry[]>([]);
  const loaded = signal(false);
  /** The chat is longer than what was loaded: the technician may page back. */
  const hasOlder = signal(false);
  const loadError = signal<string | null>(null);
  const resending = signal<ReadonlySet<number>>(new Set());
  const composer = createComposer(api, { onSettled: () => void refresh() });
  const { notice } = composer;
  // Bumped on every open and close, so late answers for an earlier chat are dropped.
  let epoch = 0;
  let newestUserEntry = 0;
  const isOpen = (ticketId: number) => ticket.value?.id === ticketId;

  function setEntries(list: Entry[]) {
    const newest = Math.max(0, ...list.filter((entry) => entry.role === 'user').map((entry) => entry.id));
    // The technician is looking at the chat: what the user just wrote is read.
    if (loaded.value && mode.value === 'chat' && newest > newestUserEntry) markRead();
    newestUserEntry = Math.max(newestUserEntry, newest);
    entries.value = list;
  }

  function markRead() {
    const open = ticket.value;
    if (!open) return;
    hooks.onTicket?.({ ...open, unread: 0 });
    // The unread count is a hint; failing to clear it must not disturb the chat (a 401 still
    // reaches the session store through the API wrapper).
    api.post(`/api/tickets/${open.id}/leido`).catch(() => undefined);
  }

  async function refresh() {
    const open = ticket.value;
    if (!open) return;
    const mine = epoch;
    try {
      const { historial } = await api.get<Conversation>(`/ticket/${open.id}/conversacion?notas=1&limite=${PAGE_SIZE}`);
      if (mine !== epoch) return;
      if (!loaded.value) hasOlder.value = historial.length === PAGE_SIZE;
      setEntries(mergeNewest(entries.value, historial));
      loaded.value = true;
      loadError.value = null;
    } catch (error) {
      if (mine === epoch) loadError.value = (error as Error).message;
    }
  }

  const poller = createPoller(refresh);

  function reset(next: Ticket | null, nextMode: ChatMode | null) {
    poller.stop();
    composer.reset();
    epoch += 1;
    newestUserEntry = 0;
    entries.value = [];
    loaded.value = false;
    hasOlder.value = false;
    loadError.value = null;
    resending.value = new Set();
    ticket.value = next;
    mode.value = nextMode;
  }

  function open(next: Ticket, nextMode: ChatMode) {
    reset(next, nextMode);
    if (nextMode === 'chat') markRead();
    void refresh();
    poller.start();
  }

  async function loadOlder() {
    const open = ticket.value;
    const oldest = entries.value[0];
    if (!open || !oldest) return;
    const mine = epoch;
    try {
      const query = `notas=1&limite=${PAGE_SIZE}&antes=${oldest.id}`;
      const { historial } = await api.get<Conversation>(`/ticket/${open.id}/conversacion?${query}`);
      if (mine !== epoch) return;
      hasOlder.value = historial.length === PAGE_SIZE;
      entries.value = [...historial, ...entries.value];
    } catch (error) {
      if (mine === epoch) notice.value = { tone: 'error', text: (error as Error).message };
    }
  }

  async function resend(messageId: number) {
    const mine = epoch;
    resending.value = new Set([...resending.value, messageId]);
    try {
      const entry = await api.post<Entry>(`/api/messages/${messageId}/reenviar`);
      if (mine === epoch) entries.value = entries.value.map((item) => (item.id === entry.id ? entry : item));
    } catch (error) {
      if (mine === epoch) notice.value = { tone: 'error', text: (error as Error).message };
    } finally {
      if (mine === epoch) resending.value = new Set([...resending.value].filter((id) => id !== messageId));
    }
  }

  async function setStatus(status: TicketStatus) {
    const open = ticket.value;
    if (!open || status === open.status) return;
    await patchTicket(open, { status });
  }

  /** Assign (an account's id) or unassign (null); the server writes the history's system line. */
  async function setAssignee(assigneeId: number | null) {
    const open = ticket.value;
    if (!open || assigneeId === open.assigneeId) return;
    await patchTicket(open, { assigneeId });
    void refresh();
  }

  async function setPriority(priority: Ticket['priority']) {
    const open = ticket.value;
    if (!open || priority === open.priority) return;
    await patchTicket(open, { priority });
  }

  /** A name from the category list, or null to clear it. */
  async function setCategory(category: string | null) {
    const open = ticket.value;
    if (!open || category === open.category) return;
    await patchTicket(open, { category });
  }

  async function patchTicket(open: Ticket, patch: Record<string, unknown>) {
    try {
      const updated = await api.patch<Ticket>(`/api/tickets/${open.id}`, patch);
      if (isOpen(updated.id)) ticket.value = updated;
      hooks.onTicket?.(updated);
    } catch (error) {
      if (isOpen(open.id)) notice.value = { tone: 'error', text: (error as Error).message };
    }
  }

  function applyEvent(event: LiveEvent) {
    if (event.type === 'ticket' && isOpen(event.ticket.id)) ticket.value = event.ticket;
    if ((event.type === 'message' || event.type === 'delivery') && isOpen(event.ticketId) && loaded.value) {
      setEntries(applyEntryEvent(entries.value, event));
    }
  }

  return {
    ticket,
    mode,
    entries,
    loaded,
    hasOlder,
    loadOlder,
    loadError,
    resending,
    composer,
    open,
    close: () => reset(null, null),
    refresh,
    send: () => (ticket.value && mode.value === 'chat' ? composer.send(ticket.value.id) : Promise.resolve()),
    resend,
    setStatus,
    setAssignee,
    setPriority,
    setCategory,
    applyEvent,
  };
}

export type ChatStore = ReturnType<typeof createChatStore>;
