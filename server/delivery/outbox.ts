import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Fence } from '../messages/index.ts';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import { isPending, messagesOf, outcomeOf, type AckState, type Delivery, type MessageStore, type Outcome, type OutgoingRow } from '../messages/index.ts';
import { lineKey } from '../contract/phone.ts';
import { createThrottle, realClock, type Clock } from './throttle.ts';
import { errorCode, TimeoutError, withTimeout, type OutgoingMedia, type OutgoingRecord, type Transport } from './transport.ts';

export type { AckState, Outcome };

/** A stored outgoing message, as the outbox knows it. */
export interface OutgoingMessage {
  id: number;
  phone: string;
  /**
   * Older replies of the same ticket still waiting, as its store transaction saw them: under
   * several processes one may have been stored elsewhere and not reached this lane yet; it
   * takes its place first, so the chat keeps the order written.
   */
  earlier?: { id: number; phone: string }[];
}

/** Another process holds the link: it sends what this one stored (server/cluster/remote-sends.ts). */
export interface RemoteSender {
  /**
   * Hands a stored reply to the holder; the outcome its outbox answers (or `timeout`). `paced`:
   * an automatic message, which the holder paces like a backlog (see `submit`).
   */
  forward(message: OutgoingMessage, options?: { paced?: boolean }): Promise<Outcome>;
}

type Step = Outcome | { kind: 'retry'; delayMs?: number } | { kind: 'unknown' };

interface Item {
  id: number;
  backlog: boolean;
  checks: number;
  /** Attempts that threw in this process; each waits twice as long as the last, up to the cap. */
  failures: number;
  /**
   * Marked `sending` before its turn, no attempt made yet: by the reply's own transaction, or
   * (`announce`) by the lane, in the commit that marked the one before it sent.
   */
  marked: boolean;
  /** Marked by the lane: the consoles have not been told `sending` yet. */
  announce: boolean;
  waiters: ((outcome: Outcome) => void)[];
}

interface Lane {
  key: string;
  items: Item[];
  running: boolean;
  retry?: NodeJS.Timeout;
}

/** The WhatsApp lease as the outbox sees it (server/cluster/lease.ts). */
export interface SendRight {
  /** What a send must carry to be marked `sending`; null when this process may not send now. */
  fence(): Fence | null;
  /** The database refused a fence: another process holds the link. */
  fenced(): void;
}

export interface OutboxOptions {
  db: Db;
  /** Every send is marked `sending` only under this process's fence (issue 12). */
  lease: SendRight;
  /** Under several processes: where a reply goes while this process does not hold the link. */
  remote?: RemoteSender;
  transport: Transport;
  events: EventBus;
  log: Logger;
  sendTimeoutMs: number;
  ratePerMinute: number;
  clock?: Clock;
  /** How long after an uncertain send to look for it again. */
  recheckMs?: number;
  /** Looks for an uncertain send this many times before calling it `unknown`. */
  maxChecks?: number;
  /** The file an outgoing message carries, read when it is sent; null for plain text. */
  mediaOf?: (messageId: number) => Promise<OutgoingMedia | null>;
  /** Sends that throw (or a number lookup that fails while WhatsApp is ready) before `failed` (default 5). */
  maxAttempts?: number;
}

/** The longest pause between two attempts of one message. */
const MAX_BACKOFF_MS = 60_000;

export const clientRef = (messageId: number) => `puente-${messageId}`;

/**
 * The delivery loop. Every outgoing entry is already stored (`queued`, or `sending` when its
 * store transaction claimed an idle lane) when it gets here. Each
 * chat has a lane that sends its messages one at a time in the order written; lanes of
 * different chats run side by side. A send whose outcome is uncertain (timeout, crash) blocks
 * its lane until the chat's recent outgoing messages say whether it left: nothing is sent twice.
 */
export class Outbox {
  readonly #lanes = new Map<string, Lane>();
  readonly #inflight = new Set<Promise<unknown>>();
  /** Send calls that outlived their timeout: while one may still deliver, no resend. */
  readonly #lateSends = new Map<number, Promise<unknown>>();
  /**
   * When each reply was last handed to WhatsApp, on this process's monotonic clock: the look-up
   * for an earlier attempt must not trust the stored wall time if the clock was stepped since.
   */
  readonly #handedOver = new Map<number, number>();
  /** Acks WhatsApp sent before our send() call returned the id they refer to. */
  readonly #earlyAcks = new Map<string, AckState>();
  readonly #waitForSlot: () => Promise<void>;
  readonly #clock: Clock;
  readonly #messages: MessageStore;
  #stopped = false;

  constructor(private readonly o: OutboxOptions) {
    this.#clock = o.clock ?? realClock;
    this.#messages = messagesOf(o.db);
    this.#waitForSlot = createThrottle(o.ratePerMinute, this.#clock);
  }

  /**
   * Picks up what a previous run (or holder of the link) left: queued rows, and sends a crash
   * interrupted. Rows already in a lane are left where they are, so it may run again.
   */
  async start(): Promise<number> {
    this.#stopped = false;
    return this.sweep();
  }

  /** As `start`, for a running outbox: what was stored but never reached a lane (a lost word). */
  async sweep(): Promise<number> {
    if (this.#stopped) return 0;
    const rows = await this.#messages.pending();
    const known = new Set<number>();
    for (const lane of this.#lanes.values()) for (const item of lane.items) known.add(item.id);
    const fresh = rows.filter((row) => !known.has(row.id));
    for (const row of fresh) this.#place(this.#lane(row.phone), newItem(row.id, true));
    if (fresh.length > 0) this.o.log.info({ pending: fresh.length }, 'outbox backlog loaded');
    this.resume();
    return fresh.length;
  }

  /**
   * This process no longer holds the link: forget every lane (their rows stay queued or
   * `sending` in the database for the next holder) and answer whoever waits `queued`.
   */
  release(): void {
    for (const lane of this.#lanes.values()) {
      clearTimeout(lane.retry);
      settle(lane.items, { kind: 'queued' });
      lane.items.length = 0;
    }
    this.#lanes.clear();
  }

  /**
   * Hands a message stored earlier to its lane; resolves when the technician can be told something.
   * `paced`: an automatic message (acknowledgement, satisfaction question) takes the backlog's
   * throttled slots, so 500 new chats in a minute do not make the number burst 500 sends.
   */
  submit(message: OutgoingMessage, { paced = false }: { paced?: boolean } = {}): Promise<Outcome> {
    const { outcome, forward } = this.#enqueue(message, false, paced);
    if (forward) forward();
    else this.#kick(message.phone);
    return outcome;
  }

  /**
   * Stores an outgoing message and hands it over, in one call. `store` runs the write
   * transaction and calls `claim` inside it, before the commit (synchronously, so nothing runs
   * between the two): the message takes its place in its chat's lane in the order stored. `claim`
   * answers true when the lane is idle and WhatsApp ready: the store then marks the row `sending`
   * in that same transaction, saving the commit (and fsync) the outbox would make. If the store
   * fails or stores nothing, the place is given back (its id may be reused). After the commit,
   * `announce` runs before the lane starts, so consoles hear of the message before its delivery.
   */
  async handOff<T>(
    store: (claim: (message: OutgoingMessage) => Fence | null) => Promise<T | null>,
    announce: (stored: T) => void = () => undefined,
  ): Promise<{ stored: T; outcome: Promise<Outcome> } | null> {
    const claims: { message: OutgoingMessage; outcome: Promise<Outcome>; forward?: () => void }[] = [];
    const claim = (message: OutgoingMessage) => {
      const { sendAtOnce, outcome, forward } = this.#enqueue(message, true);
      claims.push({ message, outcome, forward });
      return sendAtOnce ? this.o.lease.fence() : null;
    };
    const stored = await store(claim).catch((err: unknown) => {
      for (const { message } of claims) this.#unclaim(message);
      throw err;
    });
    if (stored === null) {
      for (const { message } of claims) this.#unclaim(message);
      return null;
    }
    announce(stored);
    for (const { message, forward } of claims) {
      if (forward) forward();
      else this.#kick(message.phone);
    }
    return { stored, outcome: claims[0]?.outcome ?? Promise.resolve<Outcome>({ kind: 'queued' }) };
  }

  #unclaim(message: OutgoingMessage): void {
    const lane = this.#lanes.get(lineKey(message.phone));
    const index = lane?.items.findIndex((item) => item.id === message.id) ?? -1;
    if (!lane || index < 0) return;
    const [item] = lane.items.splice(index, 1);
    settle([item], { kind: 'queued' });
    if (lane.items.length === 0 && !lane.running) this.#lanes.delete(lane.key);
  }

  #kick(phone: string): void {
    const lane = this.#lanes.get(lineKey(phone));
    if (lane) void this.#run(lane);
  }

  #enqueue(message: OutgoingMessage, markable: boolean, paced = false): { sendAtOnce: boolean; outcome: Promise<Outcome>; forward?: () => void } {
    const remote = this.o.remote;
    if (remote && !this.o.lease.fence()) {
      // Not ours to send: the holder sends it, after the commit (`forward` runs then).
      let answer: (outcome: Outcome) => void = () => undefined;
      const outcome = new Promise<Outcome>((resolve) => (answer = resolve));
      const forward = () => void remote.forward(message, { paced }).then(answer, () => answer({ kind: 'queued' }));
      return { sendAtOnce: false, outcome, forward };
    }
    const lane = this.#lane(message.phone);
    const ready = this.o.transport.isReady() && !this.#stopped;
    for (const older of message.earlier ?? []) {
      if (!lane.items.some((each) => each.id === older.id)) this.#place(lane, newItem(older.id, !ready));
    }
    // Already in its lane (the holder's sweep found it before the other process's word came).
    let item = lane.items.find((each) => each.id === message.id);
    if (!item) {
      item = newItem(message.id, !ready || paced);
      item.marked = markable && ready && lane.items.length === 0;
      this.#place(lane, item);
    }
    if (!ready) return { sendAtOnce: false, outcome: Promise.resolve<Outcome>({ kind: 'queued' }) };
    const outcome = new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'timeout' }), this.o.sendTimeoutMs);
      item.waiters.push((result) => {
        clearTimeout(timer);
        resolve(result);
      });
    });
    return { sendAtOnce: item.marked, outcome };
  }

  /**
   * In id order (the order written), but never ahead of the lane's head while it is being sent.
   * Within one process ids arrive in order and this is a push.
   */
  #place(lane: Lane, item: Item): void {
    const from = lane.running ? 1 : 0;
    const index = lane.items.findIndex((each, i) => i >= from && each.id > item.id);
    if (index < 0) lane.items.push(item);
    else lane.items.splice(index, 0, item);
  }

  /** WhatsApp is (back) ready: whatever waited is now a backlog, drained at the throttled pace. */
  resume(): void {
    if (!this.o.transport.isReady()) return;
    for (const lane of this.#lanes.values()) {
      for (const item of lane.items) if (item.waiters.length === 0) item.backlog = true;
      void this.#run(lane);
    }
  }

  pending(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) count += lane.items.length;
    return count;
  }

  /** Moves delivery state forward on WhatsApp's acks; an ack never moves it back. */
  async applyAck(waId: string, state: AckState): Promise<void> {
    if (!(await this.#messages.outgoingByWaId(waId))) return this.#keepEarlyAck(waId, state);
    const deliveryInfo = state === 'failed' ? 'WhatsApp rechazó el mensaje' : null;
    const moved = await this.#messages.applyAck(waId, state, deliveryInfo);
    if (moved) this.#announce(moved, state, deliveryInfo);
  }

  #keepEarlyAck(waId: string, state: AckState) {
    this.#earlyAcks.set(waId, state);
    // Bounded: an ack for a message that is not ours (sent from the phone itself) is forgotten.
    setTimeout(() => this.#earlyAcks.delete(waId), 60_000).unref();
  }

  /** Stops taking new sends; waits (at most one send timeout) for those already in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const lane of this.#lanes.values()) clearTimeout(lane.retry);
    await withTimeout(Promise.allSettled([...this.#inflight]), this.o.sendTimeoutMs).catch(() => undefined);
  }

  #lane(phone: string): Lane {
    const key = lineKey(phone);
    let lane = this.#lanes.get(key);
    if (!lane) this.#lanes.set(key, (lane = { key, items: [], running: false }));
    return lane;
  }

  async #run(lane: Lane): Promise<void> {
    if (lane.running) return;
    lane.running = true;
    clearTimeout(lane.retry);
    try {
      while (lane.items.length > 0 && !this.#stopped) {
        if (!this.o.transport.isReady()) return settle(lane.items, { kind: 'queued' });
        const item = lane.items[0];
        if (item.backlog) await this.#waitForSlot();
        if (this.#stopped || !this.o.transport.isReady()) continue;
        // The item behind this one, when this one is marked sent: marked in that same commit.
        const step = await this.#track(this.#deliver(item, () => lane.items[1]));
        if (step.kind === 'queued') return settle(lane.items, step);
        if (step.kind === 'retry') {
          settle([item], { kind: 'timeout' });
          lane.retry = setTimeout(() => void this.#run(lane), step.delayMs ?? this.o.recheckMs ?? 1000);
          return;
        }
        lane.items.shift();
        settle([item], step.kind === 'unknown' ? { kind: 'timeout' } : step);
      }
    } catch (err) {
      this.o.log.error({ err, lane: lane.key }, 'delivery lane failed');
      lane.retry = setTimeout(() => void this.#run(lane), this.o.recheckMs ?? 1000);
    } finally {
      lane.running = false;
      if (lane.items.length === 0) this.#lanes.delete(lane.key);
    }
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work);
    return work.finally(() => this.#inflight.delete(work));
  }

  async #deliver(item: Item, next: NextInLane): Promise<Step> {
    const row = await this.#messages.outgoing(item.id);
    if (!row?.delivery || !row.phone) return { kind: 'unknown' };
    if (!isPending(row.delivery)) return outcomeOf(row);
    const markedAhead = item.marked && row.delivery === 'sending';
    const announce = markedAhead && item.announce;
    item.marked = item.announce = false; // from here on, an uncertain attempt must be looked for before a resend
    if (markedAhead) return this.#attempt(row, item, next, { announce });
    if (row.delivery === 'sending') {
      const previous = await this.#findPreviousAttempt(row);
      if (previous.found) return this.#markSent(row, previous.waId, next);
      if (previous.cannotTell || this.#lateSends.has(row.id)) return this.#cannotTell(row, item);
    }
    return this.#attempt(row, item, next);
  }

  /** `marked`: the row is `sending` already, for this attempt (`announce`: tell the consoles so). */
  async #attempt(row: OutgoingRow, item: Item, next: NextInLane, marked?: { announce: boolean }): Promise<Step> {
    if (!marked) {
      const fence = this.o.lease.fence();
      if (!fence || !(await this.#messages.markAttempt(row.id, new Date(), fence))) return this.#fencedOff(row);
    }
    if (!marked || marked.announce) this.o.events.emit({ type: 'delivery', ticketId: row.ticketId, messageId: row.id, delivery: 'sending' });
    const where = { ticketId: row.ticketId, phone: row.phone, messageId: row.id };
    let media: OutgoingMedia | null = null;
    try {
      media = (await this.o.mediaOf?.(row.id)) ?? null;
    } catch (err) {
      // Nothing was handed to WhatsApp: a file that cannot be read never will be.
      const reason = 'El archivo adjunto ya no está disponible.';
      await this.#record(row, { delivery: 'failed', deliveryInfo: reason });
      this.o.log.error({ ...where, err }, 'attachment unreadable');
      return { kind: 'rejected', reason };
    }
    // Marked under the fence; a pause since (GC, SIGSTOP) may have outlived the lease: the row
    // stays `sending`, and the next holder looks for it before sending it again.
    if (!this.o.lease.fence()) return this.#fencedOff(row);
    this.#handedOver.set(row.id, performance.now());
    const send = this.o.transport.send(row.phone!, row.content, clientRef(row.id), media ?? undefined);
    try {
      const { waId } = await withTimeout(send, this.o.sendTimeoutMs);
      this.o.log.info({ ...where, waId }, 'sent');
      return await this.#markSent(row, waId, next);
    } catch (err) {
      if (err instanceof TimeoutError) {
        this.o.log.warn(where, 'send timed out; will check before sending again');
        this.#watchLateSend(row, send);
        return { kind: 'retry' };
      }
      if (errorCode(err) === 'not_ready') {
        await this.#record(row, { delivery: 'queued' });
        if (this.o.transport.isReady()) {
          // Nothing left, yet WhatsApp still says ready (its number lookup failed): no `ready`
          // will come to resume the lane, so it retries on its own, with the same cap.
          settle([item], { kind: 'queued' });
          return this.#failedAttempt(row, item, err, where);
        }
        this.o.log.info(where, 'whatsapp not ready; queued');
        return { kind: 'queued' };
      }
      if (errorCode(err) === 'no_whatsapp') {
        const reason = err instanceof Error ? err.message : 'el número no tiene WhatsApp';
        await this.#record(row, { delivery: 'failed', deliveryInfo: reason });
        this.o.log.warn({ ...where, reason }, 'send rejected');
        return { kind: 'rejected', reason };
      }
      this.o.log.warn({ ...where, err }, 'send outcome uncertain; will check before sending again');
      return this.#failedAttempt(row, item, err, where);
    }
  }

  /** Another process holds the link: nothing was handed to WhatsApp, and this process stops sending. */
  #fencedOff(row: OutgoingRow): Step {
    this.o.log.warn({ ticketId: row.ticketId, messageId: row.id }, 'send refused: the WhatsApp lease is not ours');
    this.o.lease.fenced();
    return { kind: 'queued' };
  }

  /** Backs off (doubling, capped) after a throw; after `maxAttempts` the message is `failed` with why. */
  async #failedAttempt(row: OutgoingRow, item: Item, err: unknown, where: object): Promise<Step> {
    item.failures += 1;
    const maxAttempts = this.o.maxAttempts ?? 5;
    if (item.failures >= maxAttempts) {
      const why = err instanceof Error ? err.message : String(err);
      const reason = `No se pudo enviar tras ${item.failures} intentos: ${why}`.slice(0, 500);
      await this.#record(row, { delivery: 'failed', deliveryInfo: reason });
      this.o.log.warn({ ...where, attempts: item.failures, reason }, 'send given up');
      return { kind: 'rejected', reason };
    }
    const base = this.o.recheckMs ?? 1000;
    return { kind: 'retry', delayMs: Math.min(MAX_BACKOFF_MS, base * 2 ** (item.failures - 1)) };
  }

  /**
   * A timed-out call may still deliver (whatsapp-web.js resolves the number first, then sends):
   * until it settles, a look-up that finds nothing proves nothing. If it succeeds late, that
   * is the send; its lane then finds the row sent.
   */
  #watchLateSend(row: OutgoingRow, send: Promise<{ waId: string }>) {
    const settled = send.then(
      async ({ waId }) => {
        const current = await this.#messages.outgoing(row.id);
        if (current?.delivery === 'sending') await this.#markSent(row, waId);
      },
      () => undefined,
    );
    this.#lateSends.set(row.id, settled);
    void settled.finally(() => this.#lateSends.delete(row.id));
  }

  /**
   * The earliest the last attempt can have started, in wall time. WhatsApp stamps messages with
   * its servers' clock: after our clock was stepped back (an NTP correction), the stored time lies
   * in the future and a window starting there would miss the message and send it twice. In this
   * process the monotonic clock says how long ago the hand-over was; after a restart only the
   * stored time is left, so take the earlier of it and now.
   */
  #attemptStart(row: OutgoingRow): number {
    const stored = new Date(row.attemptAt ?? row.createdAt).getTime();
    const handed = this.#handedOver.get(row.id);
    const byMonotonic = handed === undefined ? Infinity : Date.now() - (performance.now() - handed);
    return Math.min(stored, byMonotonic, Date.now());
  }

  /** Did an earlier attempt reach WhatsApp? Matches our reference, else the same text since then. */
  async #findPreviousAttempt(
    row: OutgoingRow,
  ): Promise<{ found: true; waId: string } | { found: false; cannotTell: boolean }> {
    const since = new Date(this.#attemptStart(row) - 60_000);
    let records;
    try {
      records = await withTimeout(this.o.transport.recentOutgoing(row.phone!, since), this.o.sendTimeoutMs);
    } catch (err) {
      this.o.log.warn({ err, messageId: row.id }, 'cannot list recent outgoing messages');
      return { found: false, cannotTell: true };
    }
    const ours = records.find((record) => record.clientRef === clientRef(row.id));
    if (ours) return { found: true, waId: ours.waId };
    // Without our reference (whatsapp-web.js forgets it on a restart): the same caption and the
    // same kind of message, a file only for a file and of its type; one whose bytes' hash matches
    // first. Records another reply already claimed are skipped, so two identical caption-less
    // files in one chat pair off in order.
    let file: OutgoingMedia | null;
    try {
      file = (await this.o.mediaOf?.(row.id)) ?? null;
    } catch (err) {
      this.o.log.warn({ err, messageId: row.id }, 'cannot read the reply file to compare');
      return { found: false, cannotTell: true };
    }
    const sha = file ? createHash('sha256').update(file.bytes).digest('hex') : undefined;
    const exact = (record: OutgoingRecord) => Number(sha !== undefined && record.media?.sha256 === sha);
    const candidates = records
      .filter((record) => !record.clientRef && record.body === row.content && sameKind(record, file, sha))
      .sort((a, b) => exact(b) - exact(a));
    for (const record of candidates) {
      if (!(await this.#messages.waIdTakenByAnother(record.waId, row.id))) return { found: true, waId: record.waId };
    }
    return { found: false, cannotTell: false };
  }

  async #cannotTell(row: OutgoingRow, item: Item): Promise<Step> {
    item.checks += 1;
    if (item.checks < (this.o.maxChecks ?? 5)) return { kind: 'retry' };
    await this.#record(row, {
      delivery: 'unknown',
      deliveryInfo: 'No se pudo confirmar si el mensaje salió; reenvíalo si el usuario no lo recibió.',
    });
    this.o.log.warn({ ticketId: row.ticketId, messageId: row.id }, 'delivery unknown');
    return { kind: 'unknown' };
  }

  /**
   * `next` (the lane's next item) starts its attempt in the same commit when it is a live reply
   * ready to go: one commit per send instead of two, which is what bounds one chat's pace.
   */
  async #markSent(row: OutgoingRow, waId: string, next?: NextInLane): Promise<Step> {
    this.#handedOver.delete(row.id);
    const taken = await this.#messages.waIdTakenByAnother(waId, row.id);
    const following = next?.();
    const ahead = following && !following.backlog && !following.marked && this.o.transport.isReady() && !this.#stopped ? following : undefined;
    const fence = ahead ? this.o.lease.fence() : null;
    const markedNext = await this.#messages.markSent(row.id, taken ? null : waId, new Date(), ahead && fence ? { id: ahead.id, fence } : undefined);
    if (markedNext && ahead) ahead.marked = ahead.announce = true;
    this.o.events.emit({ type: 'delivery', ticketId: row.ticketId, messageId: row.id, delivery: 'sent' });
    const early = this.#earlyAcks.get(waId);
    if (early && !taken) {
      this.#earlyAcks.delete(waId);
      await this.applyAck(waId, early);
    }
    return { kind: 'sent', waId };
  }

  /** Sets a delivery state (and its reason, or none) and tells the consoles. */
  async #record(row: OutgoingRow, data: { delivery: Delivery; deliveryInfo?: string | null }): Promise<void> {
    if (data.delivery !== 'sending') this.#handedOver.delete(row.id);
    await this.#messages.setDelivery(row.id, data.delivery, data.deliveryInfo ?? null);
    this.#announce(row, data.delivery, data.deliveryInfo);
  }

  #announce(row: OutgoingRow, delivery: Delivery, deliveryInfo?: string | null) {
    this.o.events.emit({
      type: 'delivery',
      ticketId: row.ticketId,
      messageId: row.id,
      delivery,
      ...(deliveryInfo ? { deliveryInfo } : {}),
    });
  }
}

const newItem = (id: number, backlog: boolean): Item => ({ id, backlog, checks: 0, failures: 0, marked: false, announce: false, waiters: [] });

/** The item behind the one being sent in its lane, when asked (the lane may have grown meanwhile). */
type NextInLane = () => Item | undefined;

function settle(items: Item[], outcome: Outcome): void {
  for (const item of items) {
    for (const waiter of item.waiters.splice(0)) waiter(outcome);
  }
}

const isImageType = (mime: string) => mime.startsWith('image/');

/**
 * Could this record be the reply? A text only for a text; a file only for a file of its type (a
 * record that gives no type is taken at its word), and a document never when its known hash
 * differs. Images only by kind: WhatsApp Web may re-encode a photo it sends, so neither its type
 * nor its hash need match the stored bytes.
 */
function sameKind(record: OutgoingRecord, file: OutgoingMedia | null, sha: string | undefined): boolean {
  if (!file) return !record.media;
  if (!record.media) return false;
  const type = record.media.mimetype?.split(';')[0].trim();
  if (isImageType(file.mimetype)) return !type || isImageType(type);
  if (type && type !== file.mimetype) return false;
  return !record.media.sha256 || record.media.sha256 === sha;
}
