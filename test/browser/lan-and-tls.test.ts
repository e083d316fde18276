import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startService, type RunningService } from '../support/service.ts';
import { CHROMIUM_ARGS } from './helpers.ts';

// The console as an office opens it: by the server's name on the LAN, over plain HTTP, and behind
// a TLS reverse proxy. "puente.lan" resolves to this machine only inside Chromium.
const HOST_RULES = '--host-resolver-rules=MAP puente.lan 127.0.0.1';

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, HOST_RULES],
  });
}

/** Every response and failed request of a page, to prove the console's assets really loaded. */
function watchLoads(page: Page) {
  const responses: Response[] = [];
  const failed: string[] = [];
  page.on('response', (response) => responses.push(response));
  page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
  return { responses, failed };
}

async function loginThroughForm(page: Page, service: RunningService) {
  await page.getByLabel('Usuario').fill(service.admin.username);
  await page.getByLabel('Contraseña').fill(service.admin.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
}

describe('the console opened by a LAN name over plain HTTP', () => {
  let service: RunningService;
  let browser: Browser;

  beforeAll(async () => {
    service = await startService();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('renders the login form with its script and stylesheet, sends no HSTS, and logs in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const loads = watchLoads(page);
    const document = await page.goto(`http://puente.lan:${service.port}/`);

    await page.getByLabel('Usuario').waitFor({ timeout: 10_000 });
    const headers = document!.headers();
    expect(headers['strict-transport-security']).toBeUndefined();
    expect(headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);

    const assets = loads.responses.filter((r) => /\.(js|css)$/.test(new URL(r.url()).pathname));
    expect(assets.map((r) => new URL(r.url()).pathname.split('.').pop()).sort()).toEqual(expect.arrayContaining(['css', 'js']));
    for (const asset of assets) {
      expect(asset.url()).toMatch(new RegExp(`^http://puente\\.lan:${service.port}/`));
      expect(asset.status()).toBe(200);
    }
    expect(loads.failed).toEqual([]);

    // A Secure cookie would be dropped over plain HTTP and the login would silently fail.
    await loginThroughForm(page, service);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'puente_sesion', secure: false, httpOnly: true });
    await context.close();
  });
});

describe('the console behind a TLS reverse proxy (TRUST_PROXY=on)', () => {
  let service: RunningService;
  let proxy: TlsProxy;
  let browser: Browser;

  beforeAll(async () => {
    service = await startService({ env: { TRUST_PROXY: 'on' } });
    proxy = await startTlsProxy(service.port);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await service?.stop();
  });

  it('logs in with a Secure cookie, sends HSTS, and the live connection goes through', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const loads = watchLoads(page);
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    const document = await page.goto(`https://puente.lan:${proxy.port}/`);

    const headers = document!.headers();
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['content-security-policy']).toMatch(/upgrade-insecure-requests/);

    await loginThroughForm(page, service);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'puente_sesion', secure: true, httpOnly: true });
    expect(loads.failed).toEqual([]);
    expect(proxy.forwarded().every((h) => h === 'https')).toBe(true);
    await expect.poll(() => sockets, { timeout: 10_000 }).toContain(`wss://puente.lan:${proxy.port}/api/live`);
    await context.close();
  });

  it('decides per request: the same service answers a plain HTTP request without HSTS', async () => {
    // With TRUST_PROXY=on whoever reaches the port is believed, which is why the README says to
    // bind the service where only the proxy reaches it.
    const direct = await fetch(`${service.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(direct.headers.get('strict-transport-security')).toMatch(/max-age/);
    const plain = await fetch(`${service.url}/healthz`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });
});

interface TlsProxy {
  port: number;
  /** The X-Forwarded-Proto of each request passed on. */
  forwarded(): string[];
  close(): Promise<void>;
}

/** A throwaway certificate for puente.lan, made by openssl into a temporary directory. */
function throwawayCertificate(): { key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=puente.lan', '-addext', 'subjectAltName=DNS:puente.lan',
  ], { stdio: 'ignore' });
  const pair = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}

/** The smallest TLS reverse proxy: terminates TLS, forwards HTTP and WebSocket upgrades. */
async function startTlsProxy(targetPort: number): Promise<TlsProxy> {
  const seen: string[] = [];
  const forwardHeaders = (req: http.IncomingMessage) => {
    const headers = { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-for': req.socket.remoteAddress ?? '' };
    seen.push(headers['x-forwarded-proto']);
    return headers;
  };
  const server = https.createServer(throwawayCertificate(), (req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: forwardHeaders(req) },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      const headers = forwardHeaders(req);
      const lines = Object.entries(headers).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`),
      );
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    forwarded: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
