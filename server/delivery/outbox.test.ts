import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../test/support/app.ts';
import { leaseStore, type Fence } from '../cluster/lease-store.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { EventBus } from '../events.ts';
import { messagesOf } from '../messages/index.ts';
import { clientRef, Outbox, type OutboxOptions } from './outbox.ts';
import type { Clock } from './throttle.ts';
import type { OutgoingMedia, OutgoingRecord, Transport } from './transport.ts';
import { createHash } from 'node:crypto';

const hashOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A WhatsApp stand-in whose behaviour each test scripts, recording what reached the phone. */
class ScriptedTransport implements Transport {
  ready = true;
  phone: OutgoingRecord[] = [];
  sendCalls = 0;
  nextSend: 'ok' | 'hang' | 'no_whatsapp' | 'not_ready' = 'ok';
  listFails = false;
  keepsRefs = true;
  /** Every send of this text throws (an uncertain failure: WhatsApp Web threw after the hand-over began). */
  alwaysThrow: { body: string; error: string } | null = null;
  sendTimes: number[] = [];
  /** The time WhatsApp's servers put on a message (their clock, not ours). */
  serverTime = () => new Date();

  isReady() {
    return this.ready;
  }
  async send(to: string, body: string, ref: string, media?: OutgoingMedia) {
    this.sendCalls += 1;
    this.sendTimes.push(Date.now());
    if (this.alwaysThrow?.body === body) throw new Error(this.alwaysThrow.error);
    const mode = this.nextSend;
    this.nextSend = 'ok';
    if (mode === 'not_ready') throw Object.assign(new Error('down'), { code: 'not_ready' });
    if (mode === 'no_whatsapp') throw Object.assign(new Error('el número no tiene WhatsApp'), { code: 'no_whatsapp' });
    const record: OutgoingRecord = { waId: `wa-${this.phone.length + 1}`, to, body, at: this.serverTime(), clientRef: this.keepsRefs ? ref : undefined };
    if (media) record.media = { mimetype: media.mimetype, sha256: hashOf(media.bytes) };
    this.phone.push(record);
    if (mode === 'hang') return new Promise<never>(() => {});
    return { waId: record.waId };
  }
  listCalls = 0;
  async recentOutgoing(to: string, since: Date) {
    this.listCalls += 1;
    if (this.listFails) throw Object.assign(new Error('cannot tell'), { code: 'not_ready' });
    return this.phone.filter((r) => r.to === to && r.at >= since);
  }
}

/** Virtual time: the throttle's sleeps advance it instantly and are recorded, nothing waits. */
function virtualClock(random = () => 0.5): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

let dir: string;
let db: Db;
let transport: ScriptedTransport;
let ticketId: number;
/** This test process's hold on the WhatsApp lease; a test may steal it. */
let fence: Fence;
let fencedCalls = 0;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-outbox-'));
  db = await openDatabase(`file:${path.join(dir, 'test.db')}`);
  transport = new ScriptedTransport();
  fence = { holder: 'outbox-test', generation: (await leaseStore(db).acquire('outbox-test', 60_000, true))! };
  fencedCalls = 0;
  ticketId = (await db.prisma.ticket.create({ data: { numero: 'TKT-22222222', phone: '+5214771234567', phoneKey: '+524771234567', subject: 's' } })).id;
});

afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const outbox = (options: Partial<OutboxOptions> = {}) =>
  new Outbox({
    db,
    lease: { fence: () => fence, fenced: () => void (fencedCalls += 1) },
    transport,
    events: new EventBus(),
    log: pino({ level: 'silent' }),
    sendTimeoutMs: 200,
    ratePerMinute: 60,
    recheckMs: 20,
    clock: virtualClock(),
    ...options,
  });

async function store(content: string, delivery = 'queued', phone = '+5214771234567') {
  return db.prisma.message.create({
    data: { ticketId, role: 'tecnico', content, timestamp: new Date().toISOString(), delivery, phone, attemptAt: delivery === 'sending' ? new Date() : null },
  });
}

const deliveryOf = async (id: number) => (await db.prisma.message.findUniqueOrThrow({ where: { id } })).delivery;

describe('Outbox', () => {
  it('drains a backlog throttled: one interval apart, with jitter, the first at once', async () => {
    for (const text of ['a', 'b', 'c', 'd']) await store(text);
    const randoms = [0, 1, 0.5];
    const clock = virtualClock(() => randoms.shift() ?? 0.5);
    const box = outbox({ clock, ratePerMinute: 60 });
    await box.start();
    await eventually(() => transport.phone.length === 4);
    // 60/min is one per 1000 ms, ±25% jitter: random 0 → 750, 1 → 1250, 0.5 → 1000.
    expect(clock.sleeps).toEqual([750, 1250, 1000]);
    expect(transport.phone.map((r) => r.body)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('sends live replies at once, not throttled', async () => {
    const clock = virtualClock();
    const box = outbox({ clock });
    for (const text of ['x', 'y', 'z']) {
      const row = await store(text);
      expect(await box.submit({ id: row.id, phone: row.phone! })).toMatchObject({ kind: 'sent' });
    }
    expect(clock.sleeps).toEqual([]);
  });

  it('paces automatic messages of many new chats like a backlog: the first at once, then one slot apart', async () => {
    const clock = virtualClock();
    const box = outbox({ clock, ratePerMinute: 60 });
    const phones = ['+5214770000001', '+5214770000002', '+5214770000003', '+5214770000004'];
    for (const phone of phones) {
      const row = await store(`Recibimos tu mensaje`, 'queued', phone);
      void box.submit({ id: row.id, phone }, { paced: true });
    }
    await eventually(() => transport.phone.length === 4);
    // Four chats, four lanes, one shared pace: without it all four would leave at once.
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('after a crash mid-send, finds the message already on the phone and does not send it again', async () => {
    const row = await store('ya salió', 'sending');
    transport.phone.push({ waId: 'wa-early', to: row.phone!, body: 'ya salió', at: new Date(), clientRef: clientRef(row.id) });
    await outbox().start();
    await eventually(async () => (await deliveryOf(row.id)) === 'sent');
    expect(transport.sendCalls).toBe(0);
    expect((await db.prisma.message.findUniqueOrThrow({ where: { id: row.id } })).waId).toBe('wa-early');
  });

  it('after a crash before the send reached WhatsApp, sends it exactly once', async () => {
    const row = await store('nunca salió', 'sending');
    await outbox().start();
    await eventually(async () => (await deliveryOf(row.id)) === 'sent');
    expect(transport.phone.map((r) => r.body)).toEqual(['nunca salió']);
  });

  it('recognises an earlier attempt by its text when the driver cannot keep references', async () => {
    transport.keepsRefs = false;
    transport.nextSend = 'hang';
    const box = outbox();
    const row = await store('sin referencia');
    expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'timeout' });
    await eventually(async () => (await deliveryOf(row.id)) === 'sent');
    expect(transport.sendCalls).toBe(1);
  });

  it('finds an attempt handed over while our clock ran an hour ahead, after the clock is stepped back', async () => {
    const rightNow = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(rightNow + 3_600_000);
      transport.serverTime = () => new Date(rightNow);
      transport.nextSend = 'hang';
      const box = outbox();
      const row = await store('con el reloj adelantado');
      expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'timeout' });
      vi.setSystemTime(rightNow + 1_000); // an NTP step puts the clock right
      await eventually(async () => (await deliveryOf(row.id)) === 'sent');
      expect(transport.sendCalls).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  describe('after a restart that forgot the references (whatsapp-web.js), files by kind and hash', () => {
    const guide = { bytes: Buffer.from('%PDF-1.4 guía'), mimetype: 'application/pdf', filename: 'guia.pdf' };
    const other = { bytes: Buffer.from('%PDF-1.4 otra'), mimetype: 'application/pdf', filename: 'otra.pdf' };
    const photo = { bytes: Buffer.from('jpeg'), mimetype: 'image/jpeg', filename: 'foto.jpg' };
    const onPhone = (body: string, media?: OutgoingMedia) => ({
      waId: `wa-phone-${body}-${media?.filename ?? 'texto'}`, to: '+5214771234567', body, at: new Date(),
      ...(media ? { media: { mimetype: media.mimetype, sha256: hashOf(media.bytes) } } : {}),
    });
    const withFiles = (files: Map<number, OutgoingMedia>) => outbox({ mediaOf: async (id) => files.get(id) ?? null });

    it('a caption-less PDF is not taken for a caption-less photo sent from the phone: it is sent', async () => {
      transport.keepsRefs = false;
      const row = await store('', 'sending');
      transport.phone.push(onPhone('', photo));
      await withFiles(new Map([[row.id, guide]])).start();
      await eventually(async () => (await deliveryOf(row.id)) === 'sent');
      expect(transport.sendCalls).toBe(1);
      expect(transport.phone.at(-1)!.media!.sha256).toBe(hashOf(guide.bytes));
    });

    it('nor for another document with no caption (its hash differs), nor a file for a text with the same words', async () => {
      transport.keepsRefs = false;
      const file = await store('', 'sending');
      transport.phone.push(onPhone('', other), onPhone('gracias', guide));
      const text = await store('gracias', 'queued');
      await withFiles(new Map([[file.id, guide]])).start();
      await eventually(async () => (await deliveryOf(text.id)) === 'sent');
      expect(transport.sendCalls).toBe(2);
      expect(transport.phone.slice(2).map((r) => [r.body, r.media?.sha256 ?? null])).toEqual([['', hashOf(guide.bytes)], ['gracias', null]]);
    });

    it('two identical caption-less files: the one that reached the phone is found, the other is sent once', async () => {
      transport.keepsRefs = false;
      const first = await store('', 'sending');
      const second = await store('', 'queued');
      transport.phone.push(onPhone('', photo), onPhone('', guide)); // the first went out before the crash
      await withFiles(new Map([[first.id, guide], [second.id, guide]])).start();
      await eventually(async () => (await deliveryOf(second.id)) === 'sent');
      expect(await deliveryOf(first.id)).toBe('sent');
      expect((await db.prisma.message.findUniqueOrThrow({ where: { id: first.id } })).waId).toBe('wa-phone--guia.pdf');
      expect(transport.sendCalls).toBe(1);
    });
  });

  it('holds the rest of the chat until an uncertain send is settled', async () => {
    transport.nextSend = 'hang';
    const box = outbox();
    const first = await store('primero');
    const second = await store('segundo');
    const outcomes = [box.submit({ id: first.id, phone: first.phone! }), box.submit({ id: second.id, phone: second.phone! })];
    expect((await outcomes[0]).kind).toBe('timeout');
    await eventually(async () => (await deliveryOf(second.id)) === 'sent');
    expect(transport.phone.map((r) => r.body)).toEqual(['primero', 'segundo']);
  });

  it('marks the message unknown when it cannot tell whether it left', async () => {
    transport.listFails = true;
    const row = await store('¿salió?', 'sending');
    await outbox({ maxChecks: 3 }).start();
    await eventually(async () => (await deliveryOf(row.id)) === 'unknown');
    expect(transport.sendCalls).toBe(0);
  });

  it('fails a number without WhatsApp with the reason, and goes on with the next', async () => {
    transport.nextSend = 'no_whatsapp';
    const box = outbox();
    const row = await store('hola');
    expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'rejected', reason: 'el número no tiene WhatsApp' });
    const stored = await db.prisma.message.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({ delivery: 'failed', deliveryInfo: 'el número no tiene WhatsApp' });
  });

  it('puts a message back in the queue when WhatsApp drops before taking it', async () => {
    transport.nextSend = 'not_ready';
    const box = outbox();
    const row = await store('hola');
    expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'queued' });
    expect(await deliveryOf(row.id)).toBe('queued');
    box.resume();
    await eventually(async () => (await deliveryOf(row.id)) === 'sent');
  });

  it('retries a send that keeps throwing with growing pauses, then fails it with the reason and goes on with the chat', async () => {
    transport.alwaysThrow = { body: 'uno', error: 'Evaluation failed: t: Error: invalid wid' };
    const box = outbox({ recheckMs: 20, maxAttempts: 3 });
    const first = await store('uno');
    const second = await store('dos');
    void box.submit({ id: first.id, phone: first.phone! });
    void box.submit({ id: second.id, phone: second.phone! });
    await eventually(async () => (await deliveryOf(first.id)) === 'failed', 5_000);
    const [a, b, c] = transport.sendTimes;
    expect(b - a).toBeGreaterThanOrEqual(19); // 20 ms, then twice that
    expect(c - b).toBeGreaterThanOrEqual(39);
    const stored = await db.prisma.message.findUniqueOrThrow({ where: { id: first.id } });
    expect(stored.deliveryInfo).toBe('No se pudo enviar tras 3 intentos: Evaluation failed: t: Error: invalid wid');
    await eventually(async () => (await deliveryOf(second.id)) === 'sent', 5_000);
    expect(transport.sendCalls).toBe(4);
    expect(transport.phone.map((r) => r.body)).toEqual(['dos']);
  });

  it('does not leave a chat queued when a lookup fails while WhatsApp stays ready', async () => {
    transport.nextSend = 'not_ready'; // what the driver says when getNumberId throws
    const box = outbox();
    const row = await store('hola');
    expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'queued' });
    // No resume(): WhatsApp never stopped being ready, so nothing else would start the lane.
    await eventually(async () => (await deliveryOf(row.id)) === 'sent');
    expect(transport.phone.map((r) => r.body)).toEqual(['hola']);
  });

  it('moves delivery forward on acks and never back', async () => {
    const box = outbox();
    const row = await store('ack');
    await box.submit({ id: row.id, phone: row.phone! });
    const waId = transport.phone[0].waId;
    await box.applyAck(waId, 'read');
    await box.applyAck(waId, 'delivered');
    expect(await deliveryOf(row.id)).toBe('read');
  });

  it('treats +521 and +52 as one chat, so their order holds', async () => {
    transport.nextSend = 'hang';
    const box = outbox();
    const first = await store('uno', 'queued', '+5214771234567');
    const second = await store('dos', 'queued', '+524771234567');
    void box.submit({ id: first.id, phone: first.phone! });
    void box.submit({ id: second.id, phone: second.phone! });
    await eventually(async () => (await deliveryOf(second.id)) === 'sent');
    expect(transport.phone.map((r) => r.body)).toEqual(['uno', 'dos']);
  });
});

describe('Outbox, a sent mark lost to a power loss (committed without fsync)', () => {
  it('finds the send on the phone after the restart: marked sent with its id, never sent a second time', async () => {
    const row = await store('hola, ya quedó');
    expect(await outbox().submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'sent', waId: 'wa-1' });
    // What the disk holds after a power loss that took the sent mark: the durable `sending` mark.
    await db.prisma.message.update({ where: { id: row.id }, data: { delivery: 'sending', waId: null, sentAt: null } });
    await outbox().start();
    await eventually(async () => (await deliveryOf(row.id)) === 'sent');
    expect((await db.prisma.message.findUniqueOrThrow({ where: { id: row.id } })).waId).toBe('wa-1');
    expect(transport.sendCalls).toBe(1);
    expect(transport.phone.map((r) => r.body)).toEqual(['hola, ya quedó']);
  });

  it('skips the fsync for the sent mark alone and for acks, never for a mark that lets the next reply go', async () => {
    const first = await store('uno');
    const second = await store('dos');
    const writes = vi.spyOn(db, 'writeNow');
    const messages = messagesOf(db);
    await messages.markSent(first.id, 'wa-x', new Date(), { id: second.id, fence });
    await messages.markSent(second.id, 'wa-y', new Date());
    await messages.applyAck('wa-y', 'delivered', null);
    expect(writes.mock.calls.map(([, options]) => options?.durable)).toEqual([true, false, false]);
    expect(await deliveryOf(second.id)).toBe('delivered');
  });
});

describe('Outbox acks', () => {
  it('keeps an ack that arrives before the send resolves, and applies it once the id is known', async () => {
    const box = outbox();
    const row = await store('rápido');
    const realSend = transport.send.bind(transport);
    transport.send = async (to, body, ref) => {
      const result = await realSend(to, body, ref);
      await box.applyAck(result.waId, 'delivered'); // WhatsApp acks before send() returns
      return result;
    };
    await box.submit({ id: row.id, phone: row.phone! });
    await eventually(async () => (await deliveryOf(row.id)) === 'delivered');
  });
});

describe('Outbox.handOff, around the reply store transaction', () => {
  /** A store like the reply's: claims inside, marks the row sending when told the lane is idle. */
  const storeWith = (row: { id: number; phone: string | null }, atOnce: boolean[]) => async (claim: (m: { id: number; phone: string }) => Fence | null) => {
    const sendAtOnce = claim({ id: row.id, phone: row.phone! }) !== null;
    atOnce.push(sendAtOnce);
    if (sendAtOnce) await db.prisma.message.update({ where: { id: row.id }, data: { delivery: 'sending', attemptAt: new Date() } });
    return row;
  };

  it('lets the first reply of an idle chat be stored as sending, and sends it without looking it up', async () => {
    const box = outbox();
    const first = await store('primero');
    const second = await store('segundo');
    const atOnce: boolean[] = [];
    const [a, b] = await Promise.all([box.handOff(storeWith(first, atOnce)), box.handOff(storeWith(second, atOnce))]);
    expect(atOnce).toEqual([true, false]);
    expect(await a!.outcome).toMatchObject({ kind: 'sent' });
    expect(await b!.outcome).toMatchObject({ kind: 'sent' });
    expect(transport.phone.map((r) => r.body)).toEqual(['primero', 'segundo']);
    expect(transport.listCalls).toBe(0);
  });

  it('announces the stored reply before its lane starts sending', async () => {
    const box = outbox();
    const row = await store('primero');
    const seen: string[] = [];
    const send = transport.send.bind(transport);
    transport.send = (to, body, ref) => (seen.push('send'), send(to, body, ref));
    const handed = await box.handOff(storeWith(row, []), () => seen.push('announce'));
    expect(await handed!.outcome).toMatchObject({ kind: 'sent' });
    expect(seen).toEqual(['announce', 'send']);
  });

  it('never claims a send at once while WhatsApp is down', async () => {
    transport.ready = false;
    const row = await store('en cola');
    const atOnce: boolean[] = [];
    const handed = await outbox().handOff(storeWith(row, atOnce));
    expect(atOnce).toEqual([false]);
    expect(await handed!.outcome).toEqual({ kind: 'queued' });
  });

  it('frees the lane of a reply whose store did not commit', async () => {
    const box = outbox();
    const phone = '+5214771234567';
    const failing = box.handOff(async (claim) => {
      claim({ id: 9001, phone });
      throw new Error('no se pudo confirmar la transacción');
    });
    await expect(failing).rejects.toThrow('no se pudo confirmar');
    expect(box.pending()).toBe(0);
    let sendAtOnce = false;
    // A store that finds nothing to store (no such ticket) gives its place back too.
    expect(await box.handOff(async (claim) => ((sendAtOnce = claim({ id: 9002, phone }) !== null), null))).toBeNull();
    expect(sendAtOnce).toBe(true);
    expect(box.pending()).toBe(0);
  });
});

describe('Outbox, a send still in flight after its timeout', () => {
  it('is not sent again while the first call may still deliver it, and is recorded when it does', async () => {
    let finish: (value: { waId: string }) => void = () => {};
    let calls = 0;
    transport.send = async (to, body) => {
      calls += 1;
      // The slow first call: nothing reaches the phone until it finishes (getNumberId on a slow link).
      return new Promise((resolve) => {
        finish = (value) => {
          transport.phone.push({ waId: value.waId, to, body, at: new Date() });
          resolve(value);
        };
      });
    };
    const box = outbox({ maxChecks: 1000 });
    const row = await store('lento');
    expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'timeout' });
    await new Promise((resolve) => setTimeout(resolve, 150)); // several look-ups find nothing meanwhile
    expect(calls).toBe(1);
    finish({ waId: 'wa-tarde' });
    await eventually(async () => (await deliveryOf(row.id)) === 'sent');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the lane's next look comes and goes
    expect(calls).toBe(1);
    expect((await db.prisma.message.findUniqueOrThrow({ where: { id: row.id } })).waId).toBe('wa-tarde');
  });
});

describe('Outbox acks racing each other', () => {
  it('keeps read when a delivered ack lands right after it', async () => {
    const box = outbox();
    const row = await store('ack');
    await box.submit({ id: row.id, phone: row.phone! });
    const waId = transport.phone[0].waId;
    await Promise.all([box.applyAck(waId, 'read'), box.applyAck(waId, 'delivered')]);
    expect(await deliveryOf(row.id)).toBe('read');
  });
});


describe('Outbox, fenced by the WhatsApp lease', () => {
  it('does not mark nor send a message once another process took the lease, and says the lease is lost', async () => {
    const box = outbox();
    const row = await store('después del robo');
    // Another process takes the link (a forced take stands for an expired lease).
    await leaseStore(db).acquire('otro-proceso', 60_000, true);
    expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'queued' });
    expect(await deliveryOf(row.id)).toBe('queued');
    expect((await db.prisma.message.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(0);
    expect(transport.sendCalls).toBe(0);
    expect(fencedCalls).toBe(1);
  });

  it('sends nothing when the lease lapsed by this process\'s clock, even if the database still names it', async () => {
    const box = outbox();
    const row = await store('sin contrato');
    const held = fence;
    fence = null as unknown as Fence; // lapsed locally: fence() answers null
    expect(await box.submit({ id: row.id, phone: row.phone! })).toEqual({ kind: 'queued' });
    expect(await deliveryOf(row.id)).toBe('queued');
    expect(transport.sendCalls).toBe(0);
    fence = held;
  });
});

describe('Outbox, one chat sent back to back (issue 12)', () => {
  /** Counts the store's own attempt marks (one commit each) made from now on. */
  function countMarks() {
    const store = messagesOf(db);
    const original = store.markAttempt;
    const calls: number[] = [];
    store.markAttempt = (id, at, f) => (calls.push(id), original(id, at, f));
    return { calls, restore: () => void (store.markAttempt = original) };
  }

  it('marks the next reply sending in the commit that marks the one before it sent; each still sent once, in order, announced sending then sent', async () => {
    const events = new EventBus();
    const seen: string[] = [];
    events.subscribe((event) => {
      if (event.type === 'delivery') seen.push(`${event.messageId} ${event.delivery}`);
    });
    const box = outbox({ events });
    const rows = [await store('uno'), await store('dos'), await store('tres')];
    const marks = countMarks();
    try {
      const outcomes = await Promise.all(rows.map((row) => box.submit({ id: row.id, phone: row.phone! })));
      expect(outcomes.map((o) => o.kind)).toEqual(['sent', 'sent', 'sent']);
      // Only the first needed a commit of its own to be marked; the others rode on the previous one's.
      expect(marks.calls).toEqual([rows[0].id]);
    } finally {
      marks.restore();
    }
    expect(transport.phone.map((r) => r.body)).toEqual(['uno', 'dos', 'tres']);
    expect(transport.listCalls).toBe(0); // marked ahead is not mistaken for a crashed attempt
    expect(seen).toEqual(rows.flatMap((row) => [`${row.id} sending`, `${row.id} sent`]));
    for (const row of rows) expect(await db.prisma.message.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ delivery: 'sent', attempts: 1 });
  });

  it('does not mark the next reply ahead once another process took the lease: it stays queued and is not sent', async () => {
    const box = outbox();
    const [first, second] = [await store('antes del robo'), await store('después del robo')];
    const send = transport.send.bind(transport);
    transport.send = async (to, body, ref, media) => {
      // While the first is with WhatsApp, another process takes the link (a forced take).
      if (body === 'antes del robo') await leaseStore(db).acquire('otro-proceso', 60_000, true);
      return send(to, body, ref, media);
    };
    const outcomes = await Promise.all([first, second].map((row) => box.submit({ id: row.id, phone: row.phone! })));
    expect(outcomes.map((o) => o.kind)).toEqual(['sent', 'queued']);
    expect(await db.prisma.message.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ delivery: 'queued', attempts: 0 });
    expect(transport.phone.map((r) => r.body)).toEqual(['antes del robo']);
    expect(fencedCalls).toBe(1);
  });
});
