import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StateChange } from '../server/whatsapp/driver.ts';
import { createWwebjsDriver, killOrphanChromium, type WwebjsDriver } from '../server/whatsapp/wwebjs.ts';
import { descendants, recordChromiumPid } from '../server/whatsapp/wwebjs-chromium.ts';
import { processesMentioning } from './support/processes.ts';

// The real whatsapp-web.js driver on this machine's Chromium, with no route to WhatsApp: what
// an operator gets on a server that is offline, and proof that no browser process is left over.
const CHROMIUM = '/usr/bin/chromium';
const log = pino({ level: 'silent' });
const made: string[] = [];
const tmp = (label: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `puente-${label}-`));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Proportional set size of a process and its descendants: shared pages are counted once overall. */
function pssKb(root: number): number {
  return [root, ...descendants(root)].reduce((sum, pid) => {
    try {
      return sum + Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
}

async function until(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function driverFor(sessionDir: string, dataDir: string, chromePath = CHROMIUM) {
  const driver = createWwebjsDriver({ sessionDir, dataDir, chromePath, logger: log });
  const states: StateChange[] = [];
  driver.onState((change) => states.push(change));
  return { driver, states };
}

const open: WwebjsDriver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((driver) => driver.disconnect()));
});

describe('wwebjs driver without Chromium', () => {
  it('reports disconnected naming what to install, and connect() still resolves', async () => {
    const { driver, states } = driverFor(tmp('session'), tmp('data'), '/nonexistent/chromium');
    await driver.connect();
    expect(states).toEqual([{ state: 'disconnected', reason: expect.stringMatching(/apt-get install chromium.*CHROME_PATH/) }]);
    await expect(driver.send('+5214771234567', 'hola', 'r1')).rejects.toMatchObject({ code: 'not_ready' });
  });
});

describe.skipIf(!fs.existsSync(CHROMIUM))(`wwebjs driver on ${CHROMIUM}, offline`, () => {
  it('reaches disconnected with a Spanish reason and closes its Chromium', { timeout: 90_000 }, async () => {
    const sessionDir = tmp('session');
    const dataDir = tmp('data');
    const { driver, states } = driverFor(sessionDir, dataDir);
    open.push(driver);

    await driver.connect();
    await until(() => driver.state().state === 'disconnected', 60_000, 'disconnected');

    expect(states[0]).toEqual({ state: 'starting' });
    expect(driver.state()).toEqual({
      state: 'disconnected',
      reason: expect.stringMatching(/^No se pudo abrir WhatsApp Web: sin conexión.*net::ERR_/),
    });
    // The state is announced only after the browser is gone.
    expect(processesMentioning(sessionDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'chromium.pid'))).toBe(false);
    await driver.disconnect();
    expect(processesMentioning(sessionDir)).toEqual([]);
  });

  describe('with a network that never answers', () => {
    // A proxy that accepts and stays silent: WhatsApp Web never loads, Chromium stays up.
    const blackHole = net.createServer(() => {});
    const proxyEnv = { https_proxy: process.env.https_proxy, http_proxy: process.env.http_proxy };
    afterAll(() => {
      blackHole.close();
      Object.assign(process.env, proxyEnv);
    });

    it('disconnect() leaves no Chromium process behind', { timeout: 90_000 }, async (context) => {
      await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
      const proxy = `http://127.0.0.1:${(blackHole.address() as net.AddressInfo).port}`;
      Object.assign(process.env, { https_proxy: proxy, http_proxy: proxy });
      const sessionDir = tmp('session');
      const dataDir = tmp('data');
      const { driver } = driverFor(sessionDir, dataDir);
      open.push(driver);

      await driver.connect();
      await until(() => driver.chromiumPid() !== null, 60_000, 'chromium to start');
      const pid = driver.chromiumPid()!;
      expect(fs.readFileSync(path.join(dataDir, 'chromium.pid'), 'utf8')).toMatch(new RegExp(`^${pid}\\n.*${path.basename(sessionDir)}`));
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // let its processes settle
      expect(driver.state().state).toBe('starting');
      const running = processesMentioning(sessionDir);
      expect(running.length).toBeGreaterThan(1);
      const pss = pssKb(pid);
      context.annotate(`Chromium PSS ${Math.round(pss / 1024)} MB over ${running.length} processes`);
      process.stderr.write(`[wwebjs-offline] Chromium PSS ${Math.round(pss / 1024)} MB over ${running.length} processes\n`);

      await driver.disconnect();
      // The kernel reaps a SIGKILLed renderer a moment after its parent on a busy machine: allow 5 s.
      await expect.poll(() => processesMentioning(sessionDir), { timeout: 5_000, interval: 100 }).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'chromium.pid'))).toBe(false);
    });
  });

  /** A headless Chromium started the way puppeteer starts it (its own process group). */
  async function startChromium(profile: string) {
    const browser = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, 'about:blank'], {
      detached: true,
      stdio: 'ignore',
    });
    browser.unref();
    await until(() => processesMentioning(profile).length > 1, 30_000, 'chromium to start its children');
    return browser.pid!;
  }

  it('killOrphanChromium ends a Chromium a killed run left behind', { timeout: 60_000 }, async () => {
    const profile = tmp('orphan-profile');
    const dataDir = tmp('data');
    const deadOwner = spawn('true');
    await new Promise((resolve) => deadOwner.once('exit', resolve));
    recordChromiumPid(dataDir, await startChromium(profile), profile, deadOwner.pid);

    await expect(killOrphanChromium(dataDir, log)).resolves.toBe(true);

    await until(() => processesMentioning(profile).length === 0, 10_000, 'the orphan to end');
    expect(fs.existsSync(path.join(dataDir, 'chromium.pid'))).toBe(false);
  });

  it('killOrphanChromium leaves alone a Chromium whose owner still runs', { timeout: 60_000 }, async () => {
    const profile = tmp('owned-profile');
    const dataDir = tmp('data');
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' }); // a live service
    const pid = await startChromium(profile);
    recordChromiumPid(dataDir, pid, profile, owner.pid);
    try {
      await expect(killOrphanChromium(dataDir, log)).resolves.toBe(false);
      expect(processesMentioning(profile)).toContain(pid);
    } finally {
      const ended = new Promise((resolve) => owner.once('exit', resolve));
      owner.kill();
      await ended; // now the browser is an orphan
      await killOrphanChromium(dataDir, log);
      await until(() => processesMentioning(profile).length === 0, 10_000, 'the browser to end');
    }
  });

  it('killOrphanChromium leaves alone a recorded pid that is no longer a Chromium', async () => {
    const dataDir = tmp('data');
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    recordChromiumPid(dataDir, bystander.pid!, '/tmp/some-profile');

    await expect(killOrphanChromium(dataDir, log)).resolves.toBe(false);

    expect(bystander.exitCode).toBeNull();
    expect(bystander.killed).toBe(false);
    bystander.kill();
    expect(fs.existsSync(path.join(dataDir, 'chromium.pid'))).toBe(false);
  });
});
