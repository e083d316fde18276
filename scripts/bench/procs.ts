import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const CHILD = path.join(import.meta.dirname, 'child.ts');

export interface SystemProcess<Info> {
  info: Info;
  pid: number;
  call<T>(method: string, timeoutMs?: number): Promise<T>;
  /** Asks it to close (the app waits for sends in flight), then SIGKILLs it if it lingers. */
  stop(): Promise<void>;
}

/** Forks scripts/bench/child.ts (tsx's loader is inherited through execArgv) and waits for it. */
export function startSystem<Info>(mode: 'app' | 'baseline', dir: string, databaseUrl?: string, timeoutMs = 90_000): Promise<SystemProcess<Info>> {
  const child = fork(CHILD, [mode, dir, ...(databaseUrl ? [databaseUrl] : [])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  child.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(`${mode}: ${message.error}`));
    else waiter.resolve(message.result);
  });

  const call = <T>(method: string, callTimeoutMs = 30_000) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${mode}: ${method} did not answer in ${callTimeoutMs} ms`));
      }, callTimeoutMs);
      pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value as T)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      if (!child.connected) return pending.get(id)!.reject(new Error(`${mode}: not running`));
      child.send({ id, method }, (err) => err && pending.get(id)?.reject(err));
    });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await call('stop', 20_000).catch(() => undefined);
      const timer = setTimeout(() => kill(child), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child);
      reject(new Error(`${mode} did not start in ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mode} exited during start (code ${code})`));
    });
    child.once('message', (message: { ready?: boolean; info?: Info; error?: string }) => {
      clearTimeout(timer);
      if (!message.ready) {
        kill(child);
        return reject(new Error(`${mode} failed to start: ${message.error}`));
      }
      resolve({ info: message.info!, pid: child.pid!, call, stop });
    });
  });
}

function kill(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
