/**
 * The in-process bus the domain announces changes on. The live hub forwards them to consoles;
 * the domain never knows who listens (or that WebSockets exist).
 */
export interface EntryView {
  id: number;
  role: 'user' | 'assistant' | 'tecnico';
  content: string;
  timestamp: string;
  kind: string;
  author?: string;
  delivery?: string;
  deliveryInfo?: string;
  [extra: string]: unknown;
}

export type PuenteEvent =
  | { type: 'message'; ticketId: number; entry: EntryView }
  | { type: 'delivery'; ticketId: number; messageId: number; delivery: string; deliveryInfo?: string }
  | { type: 'ticket'; ticket: unknown }
  | { type: 'whatsapp'; status: Record<string, unknown> };

export type Listener = (event: PuenteEvent) => void;

export class EventBus {
  readonly #listeners = new Set<Listener>();

  emit(event: PuenteEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
