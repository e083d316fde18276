/**
 * How many consoles, each polling every 5 s, one service holds with p99 < 100 ms.
 *
 * A signed-in console runs three independent 5 s pollers (console/lib/poll.ts): the ticket
 * table (GET /api/tickets), the open chat's newest page (GET /ticket/:id/conversacion?limite=200,
 * as console/stores/chat.ts does) and the link state (GET /api/whatsapp/status). The
 * load is open-loop: every poller of every simulated console fires at its own random moment of
 * the period, as independent browsers do. autocannon's `overallRate` was not used for this: each
 * of its connections sends its per-second quota back to back at the start of every second (all
 * connections aligned), and its coordinated-omission correction assumes a 1 ms interval at
 * these rates, so its p99 would describe bursts no set of consoles produces.
 */
import http from 'node:http';
import { hammer } from './load.ts';
import { mean, percentile, sleep } from './stats.ts';

export const PERIOD_MS = 5_000;
export const TARGET_P99_MS = 100;

export interface PollTarget {
  port: number;
  /**
   * Conditional polls, as a browser makes them: each poll sends the ETag of the last answer it
   * got for that path as If-None-Match, and a 304 is a success. Every simulated console polls the
   * same three views, so one tag per path stands for each console's own.
   */
  conditional?: boolean;
  cookie: string;
  chatTicket: number;
  /** Server CPU time so far (process.cpuUsage of the service), to price one round. */
  cpu(): Promise<{ user: number; system: number }>;
}

export const roundPaths = (chat: number) => ['/api/tickets', `/ticket/${chat}/conversacion?limite=200`, '/api/whatsapp/status'];

export interface StepResult {
  consoles: number;
  rps: number;
  requests: number;
  failures: number;
  p50: number;
  p99: number;
  pass: boolean;
  /** Answers that were 304 (conditional polls only). */
  notModified: number;
}

export interface PollingReport {
  /** Each poll alone, one after another on an idle service: mean and p99 per path. */
  unloadedMs: Record<string, { mean: number; p99: number }>;
  cpuMsPerRound: number;
  closedLoopRoundsPerSec: number;
  estimate: number;
  steps: StepResult[];
  capacity: number | null;
  bounded: boolean;
}

export async function measurePolling(target: PollTarget, log: (line: string) => void): Promise<PollingReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const paths = roundPaths(target.chatTicket);
  const tags = target.conditional ? new Map<string, string>() : null;
  const get = (pathname: string) => timedGet(agent, target.port, pathname, target.cookie, tags);
  try {
    // 1. Each poll alone: what a console waits for when nothing else is going on.
    for (let i = 0; i < 10; i++) for (const p of paths) await get(p);
    const alone: number[][] = paths.map(() => []);
    for (let i = 0; i < 100; i++) for (const [k, p] of paths.entries()) alone[k].push((await get(p)).ms);
    // 2. A round's price in server CPU, and the closed-loop ceiling (3 connections walking the round).
    log('polling: closed-loop cost of a round (4 s)');
    const before = await target.cpu();
    // Conditional: every request carries the tag the warm-up polls above received.
    const headers = (p: string) => ({ cookie: target.cookie, ...(tags?.has(p) ? { 'if-none-match': tags.get(p)! } : {}) });
    const closed = target.conditional
      ? await closedLoop(agent, target.port, paths, headers, 4)
      : await hammer({ port: target.port, connections: 3, seconds: 4, headers: { cookie: target.cookie }, paths });
    const after = await target.cpu();
    const roundsDone = closed.ok / paths.length;
    const cpuMsPerRound = (after.user + after.system - before.user - before.system) / 1000 / roundsDone;
    const closedLoopRoundsPerSec = roundsDone / closed.seconds;
    const estimate = Math.floor(closedLoopRoundsPerSec * (PERIOD_MS / 1000));

    // 3. Upward search, each step one 5 s period (every console polls once), bounded in time.
    const steps: StepResult[] = [];
    const budgetEnd = Date.now() + 60_000;
    const step = async (consoles: number) => {
      log(`polling: ${consoles} consoles`);
      const result = await openLoopStep(agent, target, paths, consoles, tags);
      steps.push(result);
      return result.pass;
    };
    let pass = 0;
    let fail: number | null = null;
    let consoles = Math.max(10, Math.round(estimate / 8));
    // Up by 1.6× until a step fails; if the very first fails, down by halves until one passes.
    while (Date.now() < budgetEnd && steps.length < 7) {
      if (await step(consoles)) {
        pass = consoles;
        if (fail !== null) break;
        consoles = Math.round(consoles * 1.6);
      } else {
        fail = consoles;
        if (pass > 0 || consoles <= 2) break;
        consoles = Math.floor(consoles / 2);
      }
    }
    // Narrow the last gap twice, while it is wider than 10 %.
    for (let i = 0; i < 2 && fail !== null && pass > 0 && fail - pass > pass * 0.1 && Date.now() < budgetEnd; i++) {
      const middle = Math.round((pass + fail) / 2);
      if (await step(middle)) pass = middle;
      else fail = middle;
    }
    return {
      unloadedMs: Object.fromEntries(paths.map((p, k) => [p, { mean: mean(alone[k]), p99: percentile(alone[k], 99) }])),
      cpuMsPerRound,
      closedLoopRoundsPerSec,
      estimate,
      steps,
      capacity: pass > 0 ? pass : null,
      bounded: fail === null,
    };
  } finally {
    agent.destroy();
  }
}

/** Every poller of `consoles` consoles fires once, at its own random moment of one period. */
async function openLoopStep(agent: http.Agent, target: PollTarget, paths: string[], consoles: number, tags: Map<string, string> | null): Promise<StepResult> {
  const latencies: number[] = [];
  let failures = 0;
  let notModified = 0;
  const random = seededRandom(consoles);
  const polls = Array.from({ length: consoles * paths.length }, async (_, i) => {
    await sleep(random() * PERIOD_MS);
    const result = await timedGet(agent, target.port, paths[i % paths.length], target.cookie, tags);
    latencies.push(result.ms);
    if (!result.ok) failures++;
    if (result.status === 304) notModified++;
  });
  await Promise.all(polls);
  const p99 = percentile(latencies, 99);
  return {
    consoles,
    rps: (consoles * paths.length) / (PERIOD_MS / 1000),
    requests: latencies.length,
    failures,
    p50: percentile(latencies, 50),
    p99,
    pass: failures === 0 && p99 < TARGET_P99_MS,
    notModified,
  };
}

/** 3 connections walking the round back to back for `seconds` (autocannon cannot vary headers per path). */
async function closedLoop(agent: http.Agent, port: number, paths: string[], headers: (p: string) => Record<string, string>, seconds: number) {
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  const start = performance.now();
  await Promise.all(
    paths.map(async (_, offset) => {
      for (let i = offset; performance.now() < end; i++) {
        const p = paths[i % paths.length];
        const result = await rawGet(agent, port, p, headers(p));
        if (result.ok) ok++;
      }
    }),
  );
  return { ok, seconds: (performance.now() - start) / 1000 };
}

function timedGet(agent: http.Agent, port: number, pathname: string, cookie: string, tags: Map<string, string> | null = null) {
  const tag = tags?.get(pathname);
  return rawGet(agent, port, pathname, { cookie, ...(tag ? { 'if-none-match': tag } : {}) }).then((result) => {
    if (tags && result.status === 200 && result.etag) tags.set(pathname, result.etag);
    return result;
  });
}

function rawGet(agent: http.Agent, port: number, pathname: string, headers: Record<string, string>): Promise<{ ms: number; ok: boolean; status: number; etag?: string }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname, agent, headers, timeout: 5_000 }, (response) => {
      const status = response.statusCode ?? 0;
      const etag = typeof response.headers.etag === 'string' ? response.headers.etag : undefined;
      response.on('data', () => undefined);
      response.on('end', () => resolve({ ms: performance.now() - start, ok: status === 200 || status === 304, status, etag }));
      response.on('error', () => resolve({ ms: performance.now() - start, ok: false, status }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ ms: performance.now() - start, ok: false, status: 0 }));
  });
}

/** Same schedule for the same number of consoles on every run. */
function seededRandom(seed: number): () => number {
  let state = seed * 2654435761 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}
