/** The console's 5 s refresh: what keeps it right when the WebSocket is down. */
export const POLL_MS = 5000;

/** Runs `task` every `ms`, never two at once: a slow server must not pile requests up. */
export function createPoller(task: () => Promise<unknown>, ms = POLL_MS) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } finally {
      running = false;
    }
  };
  return {
    start() {
      if (timer === undefined) timer = setInterval(() => void tick(), ms);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    get active() {
      return timer !== undefined;
    },
  };
}
