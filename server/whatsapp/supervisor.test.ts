import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DriverError,
  type Ack,
  type InboundMedia,
  type InboundMessage,
  type InboundOutcome,
  type OutgoingMedia,
  type StateChange,
  type WhatsAppDriver,
} from './driver.ts';
import { StatusTracker } from './status.ts';
import { createSupervisor, type Supervisor, type SupervisorOptions } from './supervisor.ts';

/**
 * What one scripted driver does once connected:
 * fail → reports disconnected; stall → stays starting; hang → ready, then its probe never
 * answers; ready → ready and alive; qr → shows a QR; unlinked → reports logged_out.
 */
type Behaviour = 'fail' | 'stall' | 'hang' | 'ready' | 'qr' | 'unlinked';

class ScriptedDriver implements WhatsAppDriver {
  readonly name = 'wwebjs' as const;
  readonly createdAt = Date.now();
  disconnected = false;
  loggedOut = false;
  sent: string[] = [];
  #state: StateChange = { state: 'starting' };
  #stateListeners: ((change: StateChange) => void)[] = [];
  inbound: ((message: InboundMessage) => Promise<InboundOutcome>)[] = [];
  acks: ((ack: Ack) => void)[] = [];

  constructor(readonly behaviour: Behaviour) {}

  onState(listener: (change: StateChange) => void) {
    this.#stateListeners.push(listener);
  }
  onInbound(listener: (message: InboundMessage) => Promise<InboundOutcome>) {
    this.inbound.push(listener);
  }
  onAck(listener: (ack: Ack) => void) {
    this.acks.push(listener);
  }
  state() {
    return this.#state;
  }

  async connect() {
    // Like whatsapp-web.js, the outcome arrives later, as an event.
    setTimeout(() => {
      if (this.behaviour === 'fail') this.emit({ state: 'disconnected', reason: 'sin red' });
      if (this.behaviour === 'qr') this.emit({ state: 'qr', qr: 'QR-1' });
      if (this.behaviour === 'unlinked') this.emit({ state: 'logged_out', reason: 'desvinculado en el teléfono' });
      if (this.behaviour === 'ready' || this.behaviour === 'hang') this.emit({ state: 'ready' });
    }, 100);
  }
  async disconnect() {
    this.disconnected = true;
  }
  async logout() {
    this.loggedOut = true;
  }
  async isAlive() {
    return this.behaviour === 'hang' ? new Promise<boolean>(() => {}) : true;
  }
  async send(to: string, body: string, _ref: string, media?: OutgoingMedia) {
    this.sent.push(`${to}:${body}${media ? `:${media.filename}` : ''}`);
    return { waId: `wa-${this.sent.length}` };
  }
  async downloadMedia(waId: string): Promise<InboundMedia | null> {
    return waId === 'in-photo' ? { bytes: Buffer.from('jpeg'), mimetype: 'image/jpeg' } : null;
  }
  async recentOutgoing() {
    return [];
  }
  emit(change: StateChange) {
    this.#state = change;
    this.#stateListeners.forEach((listener) => listener(change));
  }
}

const silent = pino({ level: 'silent' });
let supervisor: Supervisor;
let drivers: ScriptedDriver[];

function supervise(script: Behaviour[], options: Partial<SupervisorOptions> = {}) {
  drivers = [];
  supervisor = createSupervisor({
    logger: silent,
    makeDriver: () => {
      const driver = new ScriptedDriver(script[Math.min(drivers.length, script.length - 1)]);
      drivers.push(driver);
      return driver;
    },
    backoff: { initialMs: 1_000, maxMs: 8_000, factor: 2 },
    readyWatchdogMs: 60_000,
    probeIntervalMs: 30_000,
    probeTimeoutMs: 5_000,
    ...options,
  });
  return supervisor;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-01-06T09:00:00Z'));
});
afterEach(async () => {
  await supervisor?.stop();
  vi.useRealTimers();
});

describe('supervisor: reconnecting', () => {
  it('retries with a delay that grows and is capped, then resets once ready', async () => {
    supervise(['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'ready', 'ready']);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(60_000);

    // Each failure is reported 100 ms after its driver was built; the rest is the backoff.
    const gaps = drivers.slice(1, 7).map((driver, i) => driver.createdAt - drivers[i].createdAt - 100);
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(drivers.slice(0, 6).every((driver) => driver.disconnected)).toBe(true);
    expect(supervisor.state()).toEqual({ state: 'ready' });

    // Lost again after being ready: the next wait is the initial one, not the cap.
    drivers[6].emit({ state: 'disconnected', reason: 'se cayó la red' });
    const lostAt = Date.now();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(drivers).toHaveLength(8);
    expect(drivers[7].createdAt - lostAt).toBe(1_000);
  });

  it('reports why it is down; the link status adds since when and the last ready time', async () => {
    supervise(['ready', 'fail', 'fail', 'ready']);
    const tracker = new StatusTracker(supervisor);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    const readyAt = new Date().toISOString();
    expect(supervisor.state()).toEqual({ state: 'ready' });
    expect(tracker.current()).toMatchObject({ state: 'ready', since: readyAt, lastReadyAt: readyAt });

    await vi.advanceTimersByTimeAsync(5_000);
    drivers[0].emit({ state: 'disconnected', reason: 'se cayó la red' });
    const downAt = new Date().toISOString();
    expect(supervisor.state()).toEqual({ state: 'disconnected', reason: 'se cayó la red' });
    expect(tracker.current()).toMatchObject({ state: 'disconnected', reason: 'se cayó la red', since: downAt, lastReadyAt: readyAt });

    // Second attempt after 1 s fails too; the third waits 2 s (the attempt counted up), then is ready.
    await vi.advanceTimersByTimeAsync(1_000 + 100);
    expect(drivers).toHaveLength(2);
    expect(supervisor.state()).toEqual({ state: 'disconnected', reason: 'sin red' });
    expect(tracker.current()).toMatchObject({ state: 'disconnected', lastReadyAt: readyAt });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(drivers).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(drivers).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(100 + 4_000 + 100);
    expect(supervisor.state()).toEqual({ state: 'ready' });
    expect(tracker.current()).toMatchObject({ state: 'ready', lastReadyAt: new Date().toISOString() });
  });

  it('while it restarts after a failure, starting and authenticating still say what failed; ready clears it', async () => {
    supervise(['ready', 'stall', 'ready']);
    const tracker = new StatusTracker(supervisor);
    await supervisor.connect();
    // A first start is not a restart: nothing failed.
    expect(supervisor.state()).toEqual({ state: 'starting' });
    await vi.advanceTimersByTimeAsync(100);
    drivers[0].emit({ state: 'disconnected', reason: 'Chromium se cerró inesperadamente.' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(drivers).toHaveLength(2);
    const restarting = 'WhatsApp se está reiniciando tras un fallo: Chromium se cerró inesperadamente.';
    expect(supervisor.state()).toEqual({ state: 'starting', reason: restarting });
    drivers[1].emit({ state: 'authenticating' });
    expect(supervisor.state()).toEqual({ state: 'authenticating', reason: restarting });
    await vi.advanceTimersByTimeAsync(0);
    expect(tracker.current()).toMatchObject({ state: 'authenticating', reason: restarting });
    drivers[1].emit({ state: 'ready' });
    expect(supervisor.state()).toEqual({ state: 'ready' });
    // After an operator's logout, connect() is no restart either.
    await supervisor.logout();
    await supervisor.connect();
    expect(supervisor.state()).toEqual({ state: 'starting' });
  });

  it('tells its listeners every state, with the QR while one is shown', async () => {
    supervise(['qr']);
    const seen: StateChange[] = [];
    supervisor.onState((change) => seen.push(change));
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toEqual([{ state: 'qr', qr: 'QR-1' }]); // it was already `starting`
    expect(supervisor.state()).toEqual({ state: 'qr', qr: 'QR-1' });
  });
});

describe('supervisor: hung or crashed Chromium', () => {
  it('restarts a driver whose probe never answers', async () => {
    supervise(['hang', 'ready']);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    expect(supervisor.state().state).toBe('ready');

    await vi.advanceTimersByTimeAsync(30_000 + 5_000);
    expect(drivers[0].disconnected).toBe(true);
    expect(supervisor.state()).toMatchObject({ state: 'disconnected', reason: expect.stringContaining('no responde') });

    await vi.advanceTimersByTimeAsync(1_000 + 100);
    expect(drivers).toHaveLength(2);
    expect(supervisor.state()).toEqual({ state: 'ready' });
  });

  it('restarts a driver stuck loading past the watchdog', async () => {
    supervise(['stall', 'ready']);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(supervisor.state().state).toBe('starting');
    await vi.advanceTimersByTimeAsync(1);
    expect(drivers[0].disconnected).toBe(true);
    expect(supervisor.state()).toMatchObject({ state: 'disconnected', reason: expect.stringContaining('no terminó de cargar') });
    await vi.advanceTimersByTimeAsync(1_100);
    expect(supervisor.state().state).toBe('ready');
  });

  it('uses a custom probe when given one', async () => {
    let alive = true;
    supervise(['ready'], { probe: async () => alive });
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(30_100);
    expect(drivers).toHaveLength(1);
    alive = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(drivers[0].disconnected).toBe(true);
  });
});

describe('supervisor: unlinking', () => {
  it('builds a fresh client showing a QR when the phone unlinks the number', async () => {
    supervise(['unlinked', 'qr']);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    expect(supervisor.state()).toMatchObject({ state: 'logged_out', reason: 'desvinculado en el teléfono' });
    await vi.advanceTimersByTimeAsync(1_100);
    expect(supervisor.state()).toMatchObject({ state: 'qr', qr: 'QR-1' });
  });

  it('after an operator logout waits for connect() before showing a new QR', async () => {
    supervise(['ready', 'qr']);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    await supervisor.logout();
    expect(drivers[0]).toMatchObject({ loggedOut: true, disconnected: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(drivers).toHaveLength(1);
    expect(supervisor.state().state).toBe('logged_out');

    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    expect(supervisor.state()).toMatchObject({ state: 'qr', qr: 'QR-1' });
  });
});

describe('supervisor: as the core sees it', () => {
  it('refuses to send while no driver is ready, then sends through the ready one', async () => {
    supervise(['fail', 'ready']);
    await expect(supervisor.send('+5214771234567', 'hola', 'ref-1')).rejects.toMatchObject({ code: 'not_ready' });
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    await expect(supervisor.recentOutgoing('+5214771234567', new Date())).rejects.toBeInstanceOf(DriverError);
    await vi.advanceTimersByTimeAsync(1_100);
    await expect(supervisor.send('+5214771234567', 'hola', 'ref-1')).resolves.toEqual({ waId: 'wa-1' });
    expect(drivers[1].sent).toEqual(['+5214771234567:hola']);
  });

  it('hands a reply’s file to the ready driver, and fetches a received file through it', async () => {
    supervise(['fail', 'ready']);
    await supervisor.connect();
    await expect(supervisor.downloadMedia('in-photo')).rejects.toMatchObject({ code: 'not_ready' });
    await vi.advanceTimersByTimeAsync(1_200);
    const file = { bytes: Buffer.from('%PDF-1.4'), mimetype: 'application/pdf', filename: 'guia.pdf' };
    await supervisor.send('+5214771234567', 'la guía', 'ref-1', file);
    expect(drivers[1].sent).toEqual(['+5214771234567:la guía:guia.pdf']);
    await expect(supervisor.downloadMedia('in-photo')).resolves.toEqual({ bytes: Buffer.from('jpeg'), mimetype: 'image/jpeg' });
  });

  it('forwards inbound messages and acks of whichever driver is current', async () => {
    supervise(['fail', 'ready']);
    const received: string[] = [];
    const acks: Ack[] = [];
    supervisor.onInbound(async (message) => (received.push(message.waId), 'filed'));
    supervisor.onAck((ack) => acks.push(ack));
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(1_200);

    const message: InboundMessage = { waId: 'in-1', from: '+5214771234567', body: 'hola', kind: 'text', at: new Date() };
    await expect(drivers[1].inbound[0](message)).resolves.toBe('filed');
    drivers[1].acks[0]({ waId: 'wa-1', state: 'read' });
    expect(received).toEqual(['in-1']);
    expect(acks).toEqual([{ waId: 'wa-1', state: 'read' }]);
  });

  it('ignores state changes of a driver it already disposed', async () => {
    supervise(['fail', 'qr']);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(1_200);
    drivers[0].emit({ state: 'ready' });
    expect(supervisor.state().state).toBe('qr');
  });

  it('stop() disposes the driver and builds no other', async () => {
    supervise(['fail']);
    await supervisor.connect();
    await vi.advanceTimersByTimeAsync(100);
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(drivers).toHaveLength(1);
    expect(drivers[0].disconnected).toBe(true);
    expect(supervisor.state().state).toBe('disconnected');
  });
});
