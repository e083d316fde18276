import { signal } from '@preact/signals';
import type { LiveEvent } from './types.ts';

export interface LiveOptions {
  url: string;
  onEvent: (event: LiveEvent) => void;
  WebSocket?: typeof WebSocket;
  /** Waits between reconnects grow to this; polling covers the gap meanwhile. */
  maxDelayMs?: number;
}

/**
 * The /api/live socket: a shortcut, never a dependency (the console polls every 5 s anyway),
 * so it reconnects quietly with a growing delay and drops messages it cannot read.
 */
export function createLiveClient({ url, onEvent, WebSocket: Socket = globalThis.WebSocket, maxDelayMs = 30_000 }: LiveOptions) {
  const connected = signal(false);
  let socket: WebSocket | null = null;
  let wanted = false;
  let delay = 1000;
  let retry: ReturnType<typeof setTimeout> | undefined;

  function open() {
    if (!wanted || socket || !Socket) return;
    const current = new Socket(url);
    socket = current;
    current.onopen = () => {
      connected.value = true;
      delay = 1000;
    };
    current.onmessage = (message) => {
      const event = parse(message.data);
      if (event) onEvent(event);
    };
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      connected.value = false;
      if (!wanted) return;
      retry = setTimeout(open, delay);
      delay = Math.min(delay * 2, maxDelayMs);
    };
  }

  return {
    connected,
    connect() {
      wanted = true;
      open();
    },
    close() {
      wanted = false;
      clearTimeout(retry);
      const current = socket;
      socket = null;
      connected.value = false;
      current?.close();
    },
  };
}

function parse(data: unknown): LiveEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const event = JSON.parse(data);
    return event && typeof event.type === 'string' ? (event as LiveEvent) : null;
  } catch {
    return null;
  }
}

export function liveUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`;
}

export type LiveClient = ReturnType<typeof createLiveClient>;
