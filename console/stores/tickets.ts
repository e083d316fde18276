import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import { createPoller } from '../lib/poll.ts';
import type { LiveEvent, Priority, Ticket, TicketList, TicketStatus } from '../lib/types.ts';

export interface TicketFilter {
  status: TicketStatus | '';
  /** '' or absent: every priority. */
  priority?: Priority | '';
  query: string;
  /** '' everyone's, an account id ("Mis tickets"), or 'ninguno' ("Sin asignar"). */
  assigned: number | 'ninguno' | '';
  /** '' every category, or one of the list's names. */
  category: string;
}

/** What the table may change on a ticket in place (PATCH /api/tickets/:id). */
export interface TicketEdit {
  priority?: Ticket['priority'];
  category?: string | null;
}

const SEARCH_DEBOUNCE_MS = 300;

/** The ticket table: filtered on the server, refreshed every 5 s and on `ticket` pushes. */
export function createTicketsStore(api: Api) {
  const tickets = signal<Ticket[]>([]);
  const filter = signal<TicketFilter>({ status: '', priority: '', query: '', assigned: '', category: '' });
  const loaded = signal(false);
  const error = signal<string | null>(null);
  /** The page shown, 1 = the newest activity; the server says whether an older one follows. */
  const page = signal(1);
  const hasMore = signal(false);
  let latest = 0;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;

  async function refresh() {
    const request = ++latest;
    const params = filterParams(filter.value);
    if (page.value > 1) params.set('pagina', String(page.value));
    const search = params.size ? `?${params}` : '';
    try {
      const answer = await api.get<TicketList>(`/api/tickets${search}`);
      if (request !== latest) return; // an older filter's answer arriving late
      tickets.value = answer.tickets;
      hasMore.value = answer.hay_mas ?? false;
      loaded.value = true;
      error.value = null;
    } catch (failure) {
      if (request === latest) error.value = (failure as Error).message;
    }
  }

  /** A new filter starts again at the newest page. */
  function setFilter(patch: Partial<TicketFilter>) {
    filter.value = { ...filter.value, ...patch };
    page.value = 1;
  }

  function goToPage(next: number) {
    if (next < 1 || (next > page.value && !hasMore.value)) return;
    page.value = next;
    void refresh();
  }

  function setStatus(status: TicketStatus | '') {
    setFilter({ status });
    void refresh();
  }

  function setAssigned(assigned: TicketFilter['assigned']) {
    setFilter({ assigned });
    void refresh();
  }

  function setPriority(priority: Priority | '') {
    setFilter({ priority });
    void refresh();
  }

  function setCategory(category: string) {
    setFilter({ category });
    void refresh();
  }

  /** Changes a ticket from its row; the server's refusal comes back as its Spanish sentence. */
  async function edit(ticket: Ticket, patch: TicketEdit): Promise<string | null> {
    try {
      upsert(await api.patch<Ticket>(`/api/tickets/${ticket.id}`, patch));
      return null;
    } catch (failure) {
      return (failure as Error).message;
    }
  }

  /** Typing waits for a pause, so each keystroke is not a request. */
  function setQuery(query: string) {
    setFilter({ query });
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void refresh(), SEARCH_DEBOUNCE_MS);
  }

  function upsert(ticket: Ticket) {
    // An older page only updates the rows it shows: where a pushed ticket belongs is the next poll's call.
    if (page.value > 1 && !tickets.value.some((item) => item.id === ticket.id)) return;
    tickets.value = applyTicket(tickets.value, ticket, filter.value);
  }

  function applyEvent(event: LiveEvent) {
    if (event.type === 'ticket') upsert(event.ticket);
  }

  const poller = createPoller(refresh);
  return {
    tickets,
    filter,
    loaded,
    error,
    page,
    hasMore,
    goToPage,
    refresh,
    setStatus,
    setQuery,
    setAssigned,
    setPriority,
    setCategory,
    edit,
    upsert,
    applyEvent,
    start() {
      void refresh();
      poller.start();
    },
    stop() {
      poller.stop();
      clearTimeout(searchTimer);
    },
  };
}

export type TicketsStore = ReturnType<typeof createTicketsStore>;

/** The table's filters as GET /api/tickets reads them; the export links carry the same ones. */
export function filterParams(filter: TicketFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.status) params.set('status', filter.status);
  if (filter.priority) params.set('priority', filter.priority);
  if (filter.category) params.set('category', filter.category);
  if (filter.assigned !== '') params.set('asignado', String(filter.assigned));
  if (filter.query.trim()) params.set('q', filter.query.trim());
  return params;
}

/** The export of exactly the rows the table's filters select (every page of them). */
export function exportUrl(format: 'csv' | 'xlsx' | 'pdf', filter: TicketFilter): string {
  const params = filterParams(filter);
  return `/api/exportes/tickets.${format}${params.size ? `?${params}` : ''}`;
}

/**
 * A pushed ticket, placed as the server would list it. A new ticket under a text search is left
 * to the next poll: whether it matches is the server's call.
 */
export function applyTicket(list: Ticket[], ticket: Ticket, filter: TicketFilter): Ticket[] {
  const assigned = filter.assigned ?? '';
  const matchesAssignee = assigned === '' || (assigned === 'ninguno' ? ticket.assigneeId === null : ticket.assigneeId === assigned);
  const matchesCategory = !filter.category || ticket.category === filter.category;
  const matchesPriority = !filter.priority || ticket.priority === filter.priority;
  const matchesStatus = (!filter.status || ticket.status === filter.status) && matchesAssignee && matchesCategory && matchesPriority;
  const previous = list.find((item) => item.id === ticket.id);
  if (!matchesStatus) return previous ? list.filter((item) => item.id !== ticket.id) : list;
  if (!previous && filter.query.trim()) return list;
  const others = list.filter((item) => item.id !== ticket.id);
  // Pushes carry no SLA clocks (only the list computes them): the row keeps its last ones until
  // the next poll, rather than blanking its SLA cell for a few seconds.
  const placed = ticket.sla || !previous?.sla ? ticket : { ...ticket, sla: previous.sla };
  return [placed, ...others].sort(byActivity);
}

function byActivity(a: Ticket, b: Ticket): number {
  const at = (ticket: Ticket) => (ticket.lastMessageAt ? Date.parse(ticket.lastMessageAt) : -Infinity);
  return at(b) - at(a) || b.id - a.id;
}
