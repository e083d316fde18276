import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * The Chromium that whatsapp-web.js drives, as an operating-system process: where to find it,
 * and how to make sure none outlives the service (a SIGKILLed Node leaves its ~10 processes and
 * ~350 MB running, and the next start would open a second browser on the same session).
 */

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
];

export const PUPPETEER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium(candidates = CANDIDATES): string | null {
  return candidates.find(isExecutable) ?? null;
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const pidFile = (dataDir: string) => path.join(dataDir, 'chromium.pid');

/**
 * Line 1: Chromium's pid. Line 2: its profile dir, so a recycled pid of another Chromium is left
 * alone. Line 3: the Node process that owns it, so a browser still in use (the service while
 * `npm run link` starts, or the other way round) is not taken for an orphan.
 */
export function recordChromiumPid(dataDir: string, pid: number, userDataDir: string, owner = process.pid) {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(pidFile(dataDir), `${pid}\n${userDataDir}\n${owner}\n`);
}

export function forgetChromiumPid(dataDir: string, pid: number) {
  const recorded = readPidFile(dataDir);
  if (recorded?.pid === pid) fs.rmSync(pidFile(dataDir), { force: true });
}

function readPidFile(dataDir: string): { pid: number; userDataDir?: string; owner?: number } | null {
  try {
    const [pid, userDataDir, owner] = fs.readFileSync(pidFile(dataDir), 'utf8').split('\n');
    if (!/^\d+$/.test(pid)) return null;
    return { pid: Number(pid), userDataDir: userDataDir || undefined, owner: /^\d+$/.test(owner ?? '') ? Number(owner) : undefined };
  } catch {
    return null;
  }
}

/** The live process (other than this one) whose Chromium is recorded in `dataDir`, if any. */
export function chromiumOwner(dataDir: string): number | null {
  const recorded = readPidFile(dataDir);
  if (!recorded?.owner || recorded.owner === process.pid) return null;
  // A recycled owner pid that is not a Node process does not make the browser anyone's.
  const ownerIsNode = /node|tsx/i.test(readCmdline(recorded.owner) ?? '');
  return ownerIsNode && isRunning(recorded.owner) && isRunning(recorded.pid) ? recorded.owner : null;
}

/**
 * At start: ends the Chromium a previous run recorded and never closed (it was SIGKILLed or
 * crashed). Only a process whose command line is a Chromium's (on the recorded profile) is touched.
 */
export async function killOrphanChromium(dataDir: string, logger: Logger): Promise<boolean> {
  const recorded = readPidFile(dataDir);
  if (!recorded) return false;
  const owner = chromiumOwner(dataDir);
  if (owner) {
    logger.warn({ chromiumPid: recorded.pid, owner }, 'chromium recorded in the data dir belongs to a running process; left alone');
    return false;
  }
  const cmdline = readCmdline(recorded.pid);
  const isOurs =
    cmdline !== null &&
    /chrom/i.test(cmdline) &&
    (!recorded.userDataDir || cmdline.includes(recorded.userDataDir));
  if (isOurs) {
    await killTree(recorded.pid);
    logger.warn({ chromiumPid: recorded.pid }, 'killed chromium left by a previous run');
  }
  fs.rmSync(pidFile(dataDir), { force: true });
  return isOurs;
}

/** SIGKILLs a process, its process group (puppeteer starts Chromium detached) and its descendants. */
export async function killTree(pid: number, waitMs = 5_000): Promise<void> {
  const victims = [pid, ...descendants(pid)];
  signal(-pid); // the group: Chromium's zygotes and renderers
  for (const victim of victims) signal(victim);
  const deadline = Date.now() + waitMs;
  while (victims.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function signal(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone, or not ours to signal
  }
}

export function readCmdline(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

/** Alive and not a zombie waiting for its parent to reap it. */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function readStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}
