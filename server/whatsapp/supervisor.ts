import type { Logger } from 'pino';
import { DriverEventHub } from './driver-events.ts';
import {
  DriverError,
  type InboundMedia,
  type OutgoingMedia,
  type OutgoingRecord,
  type StateChange,
  type WhatsAppDriver,
} from './driver.ts';
import { withTimeout } from '../util/timeout.ts';

/** A driver that can tell whether its browser still answers (the wwebjs driver can). */
export interface ProbedDriver extends WhatsAppDriver {
  isAlive?(): Promise<boolean>;
}

export interface SupervisorOptions {
  makeDriver: () => ProbedDriver;
  logger: Logger;
  backoff?: { initialMs: number; maxMs: number; factor: number };
  /** Longest a driver may stay starting/authenticating before it is taken for hung (default 3 min). */
  readyWatchdogMs?: number;
  /** Whether the driver still answers; default: its `isAlive()`, or true without one. */
  probe?: (driver: ProbedDriver) => Promise<boolean>;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  /** Longest a driver's disconnect may take before the next one is built anyway. */
  disposeTimeoutMs?: number;
}

const DEFAULTS = {
  backoff: { initialMs: 2_000, maxMs: 5 * 60_000, factor: 2 },
  readyWatchdogMs: 3 * 60_000,
  probeIntervalMs: 30_000,
  probeTimeoutMs: 10_000,
  disposeTimeoutMs: 20_000,
};

export function createSupervisor(options: SupervisorOptions): Supervisor {
  return new Supervisor(options);
}

/**
 * Keeps one WhatsApp driver alive and is itself a WhatsAppDriver, so the core never sees the
 * restarts. A driver that disconnects, hangs while loading, or stops answering its probe is
 * disposed and a new one is built after an exponential, capped backoff (reset once ready): a
 * driver is never revived, because whatsapp-web.js destroys its client when it disconnects.
 * An unlink from the phone builds a fresh client (it shows a QR); an unlink asked through
 * `logout()` waits for the operator's next `connect()`.
 */
export class Supervisor extends DriverEventHub implements WhatsAppDriver {
  readonly #options: SupervisorOptions;
  readonly #log: Logger;
  readonly #backoff: { initialMs: number; maxMs: number; factor: number };
  #driver: ProbedDriver | null = null;
  /** Bumped per driver: events of a disposed driver must not move the state. */
  #generation = 0;
  /** What the core sees (StatusTracker adds since when and the last ready time). */
  #state: StateChange = { state: 'starting' };
  /** Consecutive attempts that failed since the link was last ready: the backoff's exponent. */
  #attempt = 0;
  /** Why the last driver failed, while its replacement starts: the operator sees why it restarts. */
  #lastFailure: string | null = null;
  #running = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #probeTimer: NodeJS.Timeout | null = null;
  #disposing: Promise<void> = Promise.resolve();

  constructor(options: SupervisorOptions) {
    super();
    this.#options = options;
    this.#log = options.logger.child({ component: 'whatsapp-supervisor' });
    this.#backoff = options.backoff ?? DEFAULTS.backoff;
  }

  get name() {
    return this.#driver?.name ?? 'wwebjs';
  }

  state(): StateChange {
    return this.#state;
  }

  /** Starts (or, while a retry is pending or after an unlink, restarts at once) the link. */
  async connect(): Promise<void> {
    this.#running = true;
    if (this.#driver) return;
    this.#clearTimer('retry');
    await this.#start();
  }

  async disconnect(): Promise<void> {
    await this.stop();
  }

  /** Disposes everything; nothing is rebuilt until the next `connect()`. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#lastFailure = null;
    this.#clearTimer('retry');
    this.#dispose();
    await this.#disposing;
    this.#publish({ state: 'disconnected', reason: 'Conexión cerrada por el servicio.' });
  }

  async logout(): Promise<void> {
    this.#running = false;
    this.#clearTimer('retry');
    // Without a live driver a fresh one still forgets the saved session, so the next link asks for a QR.
    const driver = this.#driver ?? this.#options.makeDriver();
    this.#generation++;
    try {
      await driver.logout();
    } catch (err) {
      this.#log.warn({ err }, 'logout failed');
    }
    this.#driver = driver;
    this.#dispose();
    await this.#disposing;
    this.#attempt = 0;
    this.#lastFailure = null;
    this.#publish({ state: 'logged_out', reason: 'Se desvinculó el número; vincúlelo de nuevo con un código QR.' });
  }

  // The file and the download pass through: without them, under the supervisor (every real
  // deployment) a reply's file went out as its caption alone and received files were never fetched.
  async send(to: string, body: string, clientRef: string, media?: OutgoingMedia): Promise<{ waId: string }> {
    return this.#readyDriver().send(to, body, clientRef, media);
  }

  async downloadMedia(waId: string): Promise<InboundMedia | null> {
    const driver = this.#readyDriver();
    return driver.downloadMedia ? driver.downloadMedia(waId) : null;
  }

  async recentOutgoing(to: string, since: Date): Promise<OutgoingRecord[]> {
    return this.#readyDriver().recentOutgoing(to, since);
  }

  #readyDriver(): ProbedDriver {
    if (this.#state.state !== 'ready' || !this.#driver) throw new DriverError('not_ready', 'WhatsApp no está conectado.');
    return this.#driver;
  }

  async #start() {
    await this.#disposing; // two Chromiums must never open the same session
    if (!this.#running || this.#driver) return;
    const generation = ++this.#generation;
    let driver: ProbedDriver;
    try {
      driver = this.#options.makeDriver();
    } catch (err) {
      this.#log.error({ err }, 'could not build a whatsapp driver');
      this.#fail(`No se pudo preparar WhatsApp: ${(err as Error).message}`);
      return;
    }
    this.#driver = driver;
    const current = () => generation === this.#generation;
    driver.onState((change) => current() && this.#onDriverState(change));
    // A message that arrived is real even if its driver is being replaced: always hand it over.
    driver.onInbound((message) => this.emitInbound(message));
    driver.onAck((ack) => this.emitAck(ack));
    driver.onCatchUp?.((report) => this.emitCatchUp(report));
    this.#publish(this.#restarting({ state: 'starting' }));
    this.#armWatchdog();
    try {
      await driver.connect();
    } catch (err) {
      // The contract says connect() never throws; a driver that does is treated as a failed attempt.
      if (current()) this.#fail(`No se pudo iniciar WhatsApp: ${(err as Error).message}`);
    }
  }

  #onDriverState(change: StateChange) {
    switch (change.state) {
      case 'starting':
      case 'authenticating':
        this.#publish(this.#restarting(change));
        this.#armWatchdog();
        return;
      case 'qr':
        this.#clearTimer('watchdog'); // a person is expected to scan; no deadline
        this.#publish(change);
        this.#startProbing();
        return;
      case 'ready':
        this.#clearTimer('watchdog');
        this.#attempt = 0;
        this.#lastFailure = null;
        this.#publish(change);
        this.#startProbing();
        return;
      case 'disconnected':
        this.#fail(change.reason ?? 'WhatsApp se desconectó.');
        return;
      case 'logged_out':
        // The phone unlinked us: a fresh client shows a QR so the operator can link again.
        this.#fail(change.reason ?? 'Se cerró la sesión de WhatsApp.', 'logged_out');
    }
  }

  /** The current driver failed: dispose it and schedule the next one. */
  #fail(reason: string, state: 'disconnected' | 'logged_out' = 'disconnected') {
    this.#dispose();
    const attempt = ++this.#attempt;
    this.#lastFailure = reason;
    this.#publish({ state, reason });
    if (!this.#running) return;
    const { initialMs, maxMs, factor } = this.#backoff;
    const delayMs = Math.min(maxMs, Math.round(initialMs * factor ** (attempt - 1)));
    this.#log.warn({ state, reason, attempt, delayMs }, 'whatsapp link lost; reconnecting');
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#start();
    }, delayMs);
  }

  /**
   * A new Chromium takes seconds to load WhatsApp Web: meanwhile the status keeps saying what
   * failed (on the WhatsApp page and in /healthz detail) instead of a bare 'starting'.
   */
  #restarting(change: StateChange): StateChange {
    if (change.reason || !this.#lastFailure) return change;
    return { ...change, reason: `WhatsApp se está reiniciando tras un fallo: ${this.#lastFailure}` };
  }

  #dispose() {
    this.#clearTimer('watchdog');
    this.#clearTimer('probe');
    const driver = this.#driver;
    this.#driver = null;
    this.#generation++;
    if (!driver) return;
    const timeoutMs = this.#options.disposeTimeoutMs ?? DEFAULTS.disposeTimeoutMs;
    const previous = this.#disposing;
    this.#disposing = previous.then(() =>
      withTimeout(driver.disconnect(), timeoutMs).catch((err) => this.#log.warn({ err }, 'driver did not close cleanly')),
    );
  }

  #armWatchdog() {
    this.#clearTimer('watchdog');
    const ms = this.#options.readyWatchdogMs ?? DEFAULTS.readyWatchdogMs;
    this.#watchdog = setTimeout(() => {
      this.#watchdog = null;
      this.#fail(`WhatsApp Web no terminó de cargar en ${Math.round(ms / 1000)} s; se reinicia.`);
    }, ms);
  }

  #startProbing() {
    if (this.#probeTimer) return;
    const driver = this.#driver!;
    const generation = this.#generation;
    const probe = this.#options.probe ?? ((d: ProbedDriver) => (d.isAlive ? d.isAlive() : Promise.resolve(true)));
    const timeoutMs = this.#options.probeTimeoutMs ?? DEFAULTS.probeTimeoutMs;
    let inFlight = false;
    this.#probeTimer = setInterval(async () => {
      if (inFlight) return;
      inFlight = true;
      const alive = await withTimeout(probe(driver), timeoutMs).catch(() => false);
      inFlight = false;
      if (alive || generation !== this.#generation) return;
      this.#log.warn({ state: this.#state.state }, 'whatsapp web does not answer; restarting it');
      this.#fail('Chromium no responde (colgado o cerrado); se reinicia.');
    }, this.#options.probeIntervalMs ?? DEFAULTS.probeIntervalMs);
  }

  #clearTimer(which: 'retry' | 'watchdog' | 'probe') {
    if (which === 'retry' && this.#retryTimer) clearTimeout(this.#retryTimer), (this.#retryTimer = null);
    if (which === 'watchdog' && this.#watchdog) clearTimeout(this.#watchdog), (this.#watchdog = null);
    if (which === 'probe' && this.#probeTimer) clearInterval(this.#probeTimer), (this.#probeTimer = null);
  }

  #publish(change: StateChange) {
    const previous = this.#state;
    const next: StateChange = {
      state: change.state,
      ...(change.reason ? { reason: change.reason } : {}),
      ...(change.qr ? { qr: change.qr } : {}),
    };
    if (next.state === previous.state && next.reason === previous.reason && next.qr === previous.qr) return;
    this.#state = next;
    if (next.state !== previous.state) this.#log.info({ state: next.state, reason: next.reason, attempt: this.#attempt }, 'whatsapp state');
    this.emitState(next);
  }
}
