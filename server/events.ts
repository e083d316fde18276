import type { Entry, LiveEvent } from './contract/index.ts';

/**
 * The bus the domain announces changes on. The live hub forwards them to consoles; the domain
 * never knows who listens (or that WebSockets exist). Its events are the contract's live
 * events, exactly as consoles receive them. Under several processes on one PostgreSQL a relay
 * carries each event to the other processes (server/cluster/relay.ts); there they reach only the
 * listeners that asked for events from everywhere (the consoles), never the domain's own
 * reactions, which ran once in the process that emitted.
 */
export type EntryView = Entry;
export type PuenteEvent = LiveEvent;

export type Listener = (event: PuenteEvent) => void;

export class EventBus {
  readonly #local = new Set<Listener>();
  readonly #everywhere = new Set<Listener>();
  #relay: ((event: PuenteEvent) => void) | null = null;

  emit(event: PuenteEvent): void {
    for (const listener of this.#local) listener(event);
    for (const listener of this.#everywhere) listener(event);
    this.#relay?.(event);
  }

  /** `everywhere`: also what other processes emitted (consoles); else this process's events only. */
  subscribe(listener: Listener, options: { everywhere?: boolean } = {}): () => void {
    const set = options.everywhere ? this.#everywhere : this.#local;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Where this process's events go to reach the others. */
  relayTo(relay: (event: PuenteEvent) => void): void {
    this.#relay = relay;
  }

  /** An event another process emitted. */
  receive(event: PuenteEvent): void {
    for (const listener of this.#everywhere) listener(event);
  }
}
