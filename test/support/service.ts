import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RunningService {
  url: string;
  port: number;
  dataDir: string;
  admin: { username: string; password: string };
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: the crash case. */
  kill(): Promise<void>;
  child: ChildProcess;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  timeoutMs?: number;
  /** Reuse the admin of an earlier run on the same DATA_DIR. */
  admin?: { username: string; password: string };
  /** Run `npm start` itself (builds the console first) instead of `tsx server/main.ts`. */
  npmStart?: boolean;
}

/**
 * Starts the real process in its own process group, so a kill reaches the server and not only
 * npm's wrapper: SIGKILL on the group is a crash of the whole service.
 */
export async function startService(opts: StartOptions = {}): Promise<RunningService> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'puente-svc-'));
  const port = await freePort();
  const admin = opts.admin ?? { username: 'admin', password: randomBytes(9).toString('base64url') };
  // Node itself with tsx's loader, not the tsx wrapper: a SIGTERM to the group would otherwise reach
  // both the wrapper and the server, and the wrapper reports 143 before the server's clean exit.
  const [command, args] = opts.npmStart
    ? ['npm', ['start']]
    : [process.execPath, ['--import', 'tsx', 'server/main.ts']];
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      WHATSAPP_DRIVER: 'simulator',
      ADMIN_USERNAME: admin.username,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, exited, () => output, opts.timeoutMs ?? 30_000);
  return {
    url,
    port,
    dataDir,
    admin,
    child,
    output: () => output,
    async stop() {
      signalGroup(child, 'SIGTERM');
      return exited;
    },
    async kill() {
      signalGroup(child, 'SIGKILL');
      await exited;
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function waitForHealth(url: string, exited: Promise<unknown>, output: () => string, timeoutMs: number) {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`service did not become healthy at ${url}:\n${output()}`);
}

export type Client = (
  pathname: string,
  init?: { method?: string; body?: unknown; headers?: Record<string, string> },
) => Promise<Response>;

/** A fetch bound to the service and to one credential (a session cookie or a bearer token). */
export function client(url: string, credential: { cookie: string } | { authorization: string }): Client {
  return (pathname, init = {}) =>
    fetch(`${url}${pathname}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { ...credential, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
}

/** Logs in as the service's admin and returns a fetch bound to that session. */
export async function adminClient(service: RunningService): Promise<Client> {
  const login = await fetch(`${service.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(service.admin),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  return client(service.url, { cookie: login.headers.get('set-cookie')!.split(';')[0] });
}

/** An integration token that outlives restarts on the same DATA_DIR. */
export async function integrationToken(service: RunningService): Promise<string> {
  const api = await adminClient(service);
  const response = await api('/api/tokens', { body: { name: 'pruebas' } });
  return (await response.json()).token;
}
