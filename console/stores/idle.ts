import { computed, signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';

/** The warning shows this long before the idle timeout ends the session. */
export const WARN_BEFORE_MS = 60_000;
/**
 * Requests made this long after the person last touched the console still count as theirs
 * (the server then moves the session's last-seen on); later ones are polls of an unattended
 * tab and say so, or an open console would never go idle. The server writes last-seen at most
 * once a minute and forgives the same minute, so it never ends a session before this timer does.
 */
export const ACTIVE_FOR_MS = 60_000;

export interface IdleDeps {
  now?: () => number;
  /** The session ended for idleness here: sign out on the server and show why. */
  onExpire: () => void;
}

/**
 * The idle timeout as the person sees it: the time since they last touched the console,
 * a warning a minute before the server would end the session, "Seguir conectado", and the
 * sign-out when nobody answered.
 */
export function createIdleStore(api: Api, { now = Date.now, onExpire }: IdleDeps) {
  const limitMs = signal<number | null>(null);
  const lastActivity = signal(now());
  const clock = signal(now());
  let timer: ReturnType<typeof setInterval> | undefined;

  const remainingMs = computed(() => (limitMs.value === null ? null : lastActivity.value + limitMs.value - clock.value));
  const warning = computed(() => remainingMs.value !== null && remainingMs.value <= WARN_BEFORE_MS);

  function tick() {
    clock.value = now();
    if (remainingMs.value !== null && remainingMs.value <= 0) {
      stop();
      onExpire();
    }
  }

  function start(idleMinutes: number) {
    stop();
    limitMs.value = idleMinutes * 60_000;
    lastActivity.value = clock.value = now();
    timer = setInterval(tick, 1000);
  }

  function stop() {
    clearInterval(timer);
    timer = undefined;
    limitMs.value = null;
  }

  return {
    remainingMs,
    warning,
    start,
    stop,
    /** A key or a click: the person is here. */
    activity() {
      lastActivity.value = clock.value = now();
    },
    /** Whether a request now is a poll of an unattended console (see ACTIVE_FOR_MS). */
    isBackground: () => now() - lastActivity.value > ACTIVE_FOR_MS,
    /** "Seguir conectado": tells the server at once, since the warning means last-seen is old. */
    async keepAlive() {
      lastActivity.value = clock.value = now();
      await api.request('/api/auth/renovar', { method: 'POST' });
    },
  };
}

export type IdleStore = ReturnType<typeof createIdleStore>;
