import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * A local stand-in for https://web.whatsapp.com/: an HTTPS server with a throwaway certificate
 * that Chromium reaches through `--host-resolver-rules`, so no request leaves this machine. It
 * serves one page (standin-page.js) offering only the modules whatsapp-web.js reads, and pushes
 * the test's commands to it (what the phone would do: scan the QR, unlink the device).
 */
export interface StandIn {
  port: number;
  /** Chromium flags that send web.whatsapp.com here and accept the throwaway certificate. */
  chromiumArgs: string[];
  /** What the next page load starts as. */
  scenario: { paired?: boolean; syncedEarly?: boolean; lidPhones?: Record<string, string>; noAccount?: string[]; sendThrows?: boolean;
    /** Where a send stops for good (standin-page.js holdAt): the fault tests kill Chromium there. */
    hold?: 'lookup' | 'send' | 'result';
    /** Only this chat's number lookups are held ('lookup'). */
    holdChat?: string;
    history?: Record<string, { unreadCount?: number; messages: object[] }>;
  };
  /** Every path Chromium asked for: anything but the page and its script is unmodelled. */
  requests: string[];
  /** Modules the library asked the page for that the stand-in does not model. */
  unmodelled: string[];
  /** What the library asked the page to do (`logout`). */
  said: string[];
  /**
   * Every message WhatsApp Web took from the library, in order, as WhatsApp's servers keep it:
   * it outlives the page (a Chromium killed and started again finds it in the chat).
   */
  onServer: { to: string; body: string; id: { _serialized: string } }[];
  send(command: string, data?: unknown): void;
  close(): Promise<void>;
}

const PAGE_SCRIPT = fs.readFileSync(path.join(import.meta.dirname, 'standin-page.js'), 'utf8');

export async function startStandIn(): Promise<StandIn> {
  const { key, cert } = throwawayCertificate();
  const streams = new Set<ServerResponse>();
  const requests: string[] = [];
  const unmodelled: string[] = [];
  const said: string[] = [];
  const onServer: StandIn['onServer'] = [];
  let ids = 0;
  const standIn = { scenario: {} as StandIn['scenario'] };
  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://web.whatsapp.com');
    requests.push(url.pathname);
    // whatsapp-web.js opens exactly WhatsWebURL (Constants.js:3, Client.js:486).
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        `<!doctype html><html><head><title>WhatsApp</title></head><body>` +
          `<script src="/standin.js"></script></body></html>`,
      );
      return;
    }
    if (url.pathname === '/standin.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      // The scenario rides on the script, not the page: whatsapp-web.js keeps the page it
      // authenticated with and serves it from its cache on later loads (Client.js:311-323, 1248-1264).
      res.end(
        `window.__standinScenario = ${JSON.stringify(standIn.scenario)};\n` +
          `window.__standinServer = ${JSON.stringify(onServer)};\n${PAGE_SCRIPT}`,
      );
      return;
    }
    if (url.pathname === '/standin/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname === '/standin/new-id' && req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`3EB0STANDIN${++ids}`);
      return;
    }
    if (url.pathname === '/standin/server' && req.method === 'POST') {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => (onServer.push(JSON.parse(text)), res.writeHead(204).end()));
      return;
    }
    if ((url.pathname === '/standin/unmodelled' || url.pathname === '/standin/said') && req.method === 'POST') {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => ((url.pathname === '/standin/said' ? said : unmodelled).push(text), res.writeHead(204).end()));
      return;
    }
    // The favicon is Chromium's own request, not the library's.
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    chromiumArgs: [`--host-resolver-rules=MAP web.whatsapp.com 127.0.0.1:${port}`, '--ignore-certificate-errors'],
    get scenario() {
      return standIn.scenario;
    },
    set scenario(value) {
      standIn.scenario = value;
    },
    requests,
    unmodelled,
    said,
    onServer,
    send(command, data) {
      if (streams.size === 0) throw new Error(`stand-in: no page is listening for ${command}`);
      for (const stream of streams) stream.write(`data: ${JSON.stringify({ command, data })}\n\n`);
    },
    async close() {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A certificate for web.whatsapp.com, made by openssl into a temporary directory and removed. */
function throwawayCertificate(): { key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-wa-standin-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-keyout', key, '-out', cert, '-subj', '/CN=web.whatsapp.com', '-addext', 'subjectAltName=DNS:web.whatsapp.com',
    ], { stdio: 'ignore' });
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
