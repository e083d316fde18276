import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Outcome } from '../messages/index.ts';
import type { PuenteEvent } from '../events.ts';

/** What processes sharing one PostgreSQL tell each other. */
export type RelayMessage =
  /** A live event for the consoles connected elsewhere. */
  | { kind: 'event'; event: PuenteEvent }
  /** A new entry too large for one notification: the receivers read it from the database. */
  | { kind: 'entry'; ticketId: number; messageId: number }
  /** A reply stored by a process that does not hold the link: the holder sends it. */
  | { kind: 'send'; id: number; phone: string; paced?: boolean }
  /** The holder's answer about a reply another process is waiting on. */
  | { kind: 'outcome'; id: number; outcome: Outcome }
  /** Link or unlink asked of a process without the link: the holder does it. */
  | { kind: 'link'; id: string; action: 'connect' | 'logout' }
  /** The holder's driver state after a `link`. */
  | { kind: 'linked'; id: string; state: string }
  /** The simulated phone's state changed (simulator driver): the holder's driver reads it again. */
  | { kind: 'phone' }
  /**
   * Sessions ended or an account changed (server/auth/session-cache.ts): sent from inside the
   * transaction that made the change, so it carries no `from` and reaches its own process too.
   */
  | { kind: 'sessions'; change: SessionChange };

/** One session (by its token's hash), or every session of one account. */
export type SessionChange = { session: string } | { user: number };

export const RELAY_CHANNEL = 'puente';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7900;
const RECONNECT_MS = 1000;

/**
 * LISTEN/NOTIFY on one dedicated connection, the same engine as the data, so nothing else needs
 * running. A notification is delivered only to sessions listening when it commits: what a
 * process misses while reconnecting is not replayed, so nothing depends on it alone (the holder
 * also sweeps the queue, and consoles poll every 5 s).
 */
export class PgRelay {
  readonly origin = randomUUID();
  #client: pg.Client | null = null;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  readonly #handlers: ((message: RelayMessage) => void)[] = [];
  readonly #connection: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (note) => this.#deliver(note.payload));
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client));
    await client.connect();
    await client.query(`LISTEN ${RELAY_CHANNEL}`);
    this.#client = client;
    this.#connectionChanged();
  }

  /** Listening now: what other processes announce reaches this one (false while reconnecting). */
  connected(): boolean {
    return this.#client !== null;
  }

  /** Called when the listener connects or drops: what was announced in between is not replayed. */
  onConnection(handler: () => void): void {
    this.#connection.push(handler);
  }

  #connectionChanged() {
    for (const handler of this.#connection) handler();
  }

  onMessage(handler: (message: RelayMessage) => void): void {
    this.#handlers.push(handler);
  }

  /** Tells the other processes; a failure is logged, never thrown (the relay only speeds things up). */
  async publish(message: RelayMessage): Promise<void> {
    const payload = JSON.stringify({ ...message, from: this.origin });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`relay payload too large (${message.kind})`);
    try {
      if (!this.#client) throw new Error('relay not connected');
      await this.#client.query('SELECT pg_notify($1, $2)', [RELAY_CHANNEL, payload]);
    } catch (err) {
      this.log.warn({ err, kind: message.kind }, 'relay publish failed');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  #deliver(payload: string | undefined) {
    if (!payload) return;
    let message: RelayMessage & { from?: string };
    try {
      message = JSON.parse(payload);
    } catch {
      return;
    }
    if (message.from === this.origin) return; // our own, already handled here
    for (const handler of this.#handlers) {
      try {
        handler(message);
      } catch (err) {
        this.log.error({ err, kind: message.kind }, 'relay handler failed');
      }
    }
  }

  #lost(client: pg.Client, err?: Error) {
    if (this.#client !== client || this.#closed) return;
    this.#client = null;
    this.#connectionChanged();
    this.log.warn({ err }, 'relay connection lost; reconnecting');
    const again = () => {
      if (this.#closed) return;
      this.start().catch(() => (this.#retry = setTimeout(again, RECONNECT_MS)));
    };
    this.#retry = setTimeout(again, RECONNECT_MS);
  }
}
