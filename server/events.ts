import type { Entry, LiveEvent } from './contract/index.ts';

/**
 * The in-process bus the domain announces changes on. The live hub forwards them to consoles;
 * the domain never knows who listens (or that WebSockets exist). Its events are the contract's
 * live events, exactly as consoles receive them.
 */
export type EntryView = Entry;
export type PuenteEvent = LiveEvent;

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
