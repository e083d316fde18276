import type { OutgoingMessage, RemoteSender } from '../delivery/outbox.ts';
import type { Outcome } from '../messages/index.ts';
import type { PgRelay } from './relay.ts';

export interface RemoteSendsOptions {
  relay: PgRelay;
  sendTimeoutMs: number;
  /** Whether a process holds the link and its WhatsApp is ready (the lease row says). */
  holderReady: () => Promise<boolean>;
}

/**
 * A reply stored by a process that does not hold the link: the holder is told to send it and
 * this process waits for its answer, by the same rules as a local send: WhatsApp not ready →
 * `queued` at once (503; the holder still queues it), no answer within SEND_TIMEOUT_MS →
 * `timeout` (504). Should the word be lost, the holder's sweep of the queue finds the row.
 */
export class RemoteSends implements RemoteSender {
  readonly #waiting = new Map<number, (outcome: Outcome) => void>();

  constructor(private readonly options: RemoteSendsOptions) {}

  async forward(message: OutgoingMessage, { paced = false }: { paced?: boolean } = {}): Promise<Outcome> {
    const { relay, sendTimeoutMs, holderReady } = this.options;
    const send = { kind: 'send' as const, id: message.id, phone: message.phone, ...(paced ? { paced } : {}) };
    if (!(await holderReady().catch(() => false))) {
      await relay.publish(send);
      return { kind: 'queued' };
    }
    const outcome = new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(message.id);
        resolve({ kind: 'timeout' });
      }, sendTimeoutMs);
      this.#waiting.set(message.id, (answer) => {
        clearTimeout(timer);
        this.#waiting.delete(message.id);
        resolve(answer);
      });
    });
    await relay.publish(send);
    return outcome;
  }

  /** The holder answered about a reply this process may be waiting on. */
  settle(id: number, outcome: Outcome): void {
    this.#waiting.get(id)?.(outcome);
  }
}
