import { randomUUID } from 'node:crypto';
import type { PgRelay } from './relay.ts';

export type LinkAction = 'connect' | 'logout';

/** How long a process without the link waits for the holder to say it linked or unlinked. */
const ANSWER_MS = 10_000;

/**
 * Link or unlink asked of a process that does not hold the WhatsApp link: the holder does it
 * (it alone runs the driver and its session) and answers the driver's state after. Operators
 * use whichever process the proxy gives them, so this saves them from finding the holder.
 */
export class RemoteLink {
  readonly #waiting = new Map<string, (state: string) => void>();
  constructor(
    private readonly relay: PgRelay,
    private readonly answerMs = ANSWER_MS,
  ) {}

  /** The holder's driver state after it did `action`, or null when no holder answered in time. */
  async ask(action: LinkAction): Promise<string | null> {
    const id = randomUUID();
    const answer = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(null);
      }, this.answerMs);
      this.#waiting.set(id, (state) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(state);
      });
    });
    await this.relay.publish({ kind: 'link', id, action });
    return answer;
  }

  settle(id: string, state: string): void {
    this.#waiting.get(id)?.(state);
  }
}
