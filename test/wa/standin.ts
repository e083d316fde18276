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
    history?: Record<string, { unreadCount?: number; messages: object[] }>;
  };
  /** Every path Chromium asked for: anything but the page and its script is unmodelled. */
  requests: string[];
  /** Modules the library asked the page for that the stand-in does not model. */
  unmodelled: string[];
  /** What the library asked the page to do (`logout`). */
  said: string[];
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
  const standIn = { scenario: {} as StandIn['scenario'] };
  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://web.whatsapp.com');
    requests.push(url.pathname);
    // whatsapp-web.js opens exactly WhatsWebURL (Constants.js:3, Client.js:486).
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        `<!doctype html><html><head><title>WhatsApp</title></head><body>` +
          `<script>window.__standinScenario = ${JSON.stringify(standIn.scenario)};</script>` +
          `<script src="/standin.js"></script></body></html>`,
      );
      return;
    }
    if (url.pathname === '/standin.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(PAGE_SCRIPT);
      return;
    }
    if (url.pathname === '/standin/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
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
