import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveClient } from './live.ts';
import type { LiveEvent } from './types.ts';
import { FakeSocket, FakeWebSocket } from '../testing/fake-socket.ts';

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const start = (events: LiveEvent[]) =>
  createLiveClient({ url: 'ws://x/api/live', onEvent: (e) => events.push(e), WebSocket: FakeWebSocket });

describe('the live client', () => {
  it('hands over the events it can read and drops the rest', () => {
    const events: LiveEvent[] = [];
    start(events).connect();
    const socket = FakeSocket.all[0];
    socket.onopen!();
    socket.onmessage!({ data: JSON.stringify({ type: 'delivery', ticketId: 1, messageId: 2, delivery: 'read' }) });
    socket.onmessage!({ data: 'not json' });
    socket.onmessage!({ data: JSON.stringify({ nope: true }) });
    expect(events).toEqual([{ type: 'delivery', ticketId: 1, messageId: 2, delivery: 'read' }]);
  });

  it('reconnects after a drop, waiting longer each time', () => {
    const live = start([]);
    live.connect();
    FakeSocket.all[0].onclose!();
    expect(live.connected.value).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].onclose!();
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('stays closed after close()', () => {
    const live = start([]);
    live.connect();
    live.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(FakeSocket.all[0].closed).toBe(true);
  });
});
