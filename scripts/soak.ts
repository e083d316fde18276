/**
 * npm run soak: SOAK_MINUTES (default 60) of mixed traffic on a real service process (simulator
 * driver, its own DATA_DIR): end users writing from SOAK_LINES numbers, technicians replying,
 * consoles polling, and the WhatsApp link dropped and restored every ~45 s. Every minute it prints
 * the process's RSS, heap (after a full GC) and active handles. At the end it restores the link,
 * waits for the queue to drain and checks: every message sent in was filed once, every accepted
 * reply reached the phone exactly once, and the heap's slope after warm-up is flat. Not in CI.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import fs from 'node:fs';
import { adminClient, startService, type Client } from '../test/support/service.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 60);
const LINES = Number(process.env.SOAK_LINES ?? 20);
const PROBE_MS = 60_000;
/** Heap growth per hour past which memory is not called flat. */
const MAX_SLOPE_MB_PER_HOUR = Number(process.env.SOAK_MAX_SLOPE_MB_H ?? 8);

interface Sample { at: number; rss: number; heapUsed: number; external: number; handles: number }

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const phoneOf = (line: number) => `+52147755${String(10000 + line).slice(-5)}`;

async function main() {
  const probeFile = path.join(fs.mkdtempSync('/tmp/puente-soak-probe-'), 'samples.jsonl');
  const service = await startService({
    env: {
      NODE_OPTIONS: `--import ${path.resolve(import.meta.dirname, 'soak-probe.mjs')}`,
      SOAK_PROBE_FILE: probeFile,
      SOAK_PROBE_MS: String(PROBE_MS),
      SEND_RATE_PER_MINUTE: '600',
      SEND_TIMEOUT_MS: '3000',
      SESSION_IDLE_MINUTES: String(MINUTES + 60),
      LOG_LEVEL: 'warn',
    },
  });
  console.log(`soak: ${MINUTES} min on ${service.url} (pid ${service.child.pid}), DATA_DIR ${service.dataDir}`);
  const api = await adminClient(service);
  const tally = { inbound: 0, filedIds: new Set<string>(), accepted: new Set<string>(), refused: 0, polls: 0, drops: 0, errors: 0 };
  const tickets = new Map<string, number>();
  const endAt = Date.now() + MINUTES * 60_000;
  const printer = setInterval(() => printSample(probeFile, tally), PROBE_MS);

  const workers = [
    loop(endAt, 700, async (n) => inbound(api, n, tally, tickets)),
    loop(endAt, 900, async (n) => replyOnce(api, n, tally, tickets)),
    loop(endAt, 400, async () => poll(api, tally, tickets)),
    loop(endAt, 45_000, async () => dropLink(api, tally)),
  ];
  await Promise.all(workers);
  clearInterval(printer);

  await api('/api/simulator/connection', { body: { state: 'ready' } });
  const drained = await waitForDrain(api);
  const samples = readSamples(probeFile);
  await service.stop();
  const verdict = check(service.dataDir, tally, drained, samples);
  console.log(JSON.stringify(verdict.figures, null, 2));
  if (!process.env.SOAK_KEEP) for (const dir of [service.dataDir, path.dirname(probeFile)]) fs.rmSync(dir, { recursive: true, force: true });
  if (verdict.problems.length > 0) {
    console.error(`soak FAILED:\n- ${verdict.problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('soak passed: nothing lost, nothing sent twice, memory flat');
}

async function loop(endAt: number, everyMs: number, work: (n: number) => Promise<void>) {
  for (let n = 0; Date.now() < endAt; n++) {
    const started = Date.now();
    await work(n);
    await sleep(Math.max(0, everyMs * (0.5 + Math.random()) - (Date.now() - started)));
  }
}

type Tally = { inbound: number; filedIds: Set<string>; accepted: Set<string>; refused: number; polls: number; drops: number; errors: number };

async function inbound(api: Client, n: number, tally: Tally, tickets: Map<string, number>) {
  const phone = phoneOf(n % LINES);
  const id = `soak-in-${n}`;
  tally.inbound++;
  const response = await api('/api/simulator/inbound', { body: { from: phone, body: `Mensaje ${n} del usuario`, id } }).catch(() => null);
  if (response?.status === 202 && (await response.json()).outcome === 'filed') tally.filedIds.add(id);
  else tally.errors++;
  if (!tickets.has(phone)) {
    const list = await (await api(`/api/tickets?q=${encodeURIComponent(phone.slice(-8))}`)).json().catch(() => null);
    const found = list?.tickets?.find((t: { phone: string }) => t.phone.replace(/\D/g, "").endsWith(phone.slice(-8)));
    if (found) tickets.set(phone, found.id);
  }
}

async function replyOnce(api: Client, n: number, tally: Tally, tickets: Map<string, number>) {
  const ids = [...tickets.values()];
  if (ids.length === 0) return;
  const text = `Respuesta soak ${n}`;
  const response = await api(`/ticket/${ids[n % ids.length]}/enviar-mensaje`, { body: { mensaje: text } }).catch(() => null);
  // 200 sent, 503 queued (link down), 504 kept: all three are accepted and must arrive once.
  if (response && [200, 503, 504].includes(response.status)) tally.accepted.add(text);
  else tally.refused++;
  await response?.body?.cancel().catch(() => undefined);
}

async function poll(api: Client, tally: Tally, tickets: Map<string, number>) {
  const ids = [...tickets.values()];
  const paths = ['/api/tickets', '/api/whatsapp/status', ...(ids.length ? [`/ticket/${ids[Math.floor(Math.random() * ids.length)]}/conversacion?limite=50`] : [])];
  for (const pathname of paths) {
    const response = await api(pathname, { headers: { 'x-puente-segundo-plano': '1' } }).catch(() => null);
    if (!response?.ok) tally.errors++;
    await response?.arrayBuffer().catch(() => undefined);
    tally.polls++;
  }
}

async function dropLink(api: Client, tally: Tally) {
  tally.drops++;
  await api('/api/simulator/connection', { body: { state: Math.random() < 0.5 ? 'disconnected' : 'unresponsive' } });
  await sleep(3_000 + Math.random() * 7_000);
  await api('/api/simulator/connection', { body: { state: 'ready' } });
}

async function waitForDrain(api: Client): Promise<boolean> {
  const deadline = Date.now() + 5 * 60_000;
  while (Date.now() < deadline) {
    const status = await (await api('/api/whatsapp/status')).json();
    if (status.queued === 0) return true;
    await sleep(1_000);
  }
  return false;
}

function readSamples(file: string): Sample[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Sample);
}

function printSample(file: string, tally: Tally) {
  const last = readSamples(file).at(-1);
  if (!last) return;
  const minute = new Date().toISOString().slice(11, 19);
  console.log(`${minute} rss ${mb(last.rss)} MB · heap ${mb(last.heapUsed)} MB · handles ${last.handles} · in ${tally.inbound} · replies ${tally.accepted.size} · polls ${tally.polls} · drops ${tally.drops} · errors ${tally.errors}`);
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function check(dataDir: string, tally: Tally, drained: boolean, samples: Sample[]) {
  const db = new Database(path.join(dataDir, 'puente.db'), { readonly: true });
  const inboundRows = db.prepare(`SELECT waId, COUNT(*) AS n FROM Message WHERE role = 'user' AND waId LIKE 'soak-in-%' GROUP BY waId`).all() as { waId: string; n: number }[];
  const replies = db.prepare(`SELECT content, delivery, COUNT(*) AS n FROM Message WHERE role = 'tecnico' GROUP BY content, delivery`).all() as { content: string; delivery: string; n: number }[];
  db.close();
  const sent = readSimulatorRecord(dataDir);
  const sentCount = new Map<string, number>();
  for (const record of sent) sentCount.set(`${record.to}|${record.body}`, (sentCount.get(`${record.to}|${record.body}`) ?? 0) + 1);
  const problems: string[] = [];
  const filedInDb = new Set(inboundRows.map((row) => row.waId));
  const lost = [...tally.filedIds].filter((id) => !filedInDb.has(id));
  if (lost.length) problems.push(`${lost.length} inbound messages answered 'filed' but missing: ${lost.slice(0, 5).join(', ')}`);
  const doubledIn = inboundRows.filter((row) => row.n > 1);
  if (doubledIn.length) problems.push(`${doubledIn.length} inbound messages filed twice`);
  const sentTexts = new Map<string, number>();
  for (const record of sent) if (record.body.startsWith('Respuesta soak ')) sentTexts.set(record.body, (sentTexts.get(record.body) ?? 0) + 1);
  const missing = [...tally.accepted].filter((text) => !sentTexts.has(text));
  if (missing.length) problems.push(`${missing.length} accepted replies never reached the phone: ${missing.slice(0, 5).join(', ')}`);
  const twice = [...sentCount.entries()].filter(([, n]) => n > 1);
  if (twice.length) problems.push(`${twice.length} messages reached the phone more than once: ${twice.slice(0, 5).map(([k]) => k).join(', ')}`);
  if (!drained) problems.push('the queue did not drain within 5 minutes after the link came back');
  const notSent = replies.filter((row) => !['sent', 'delivered', 'read'].includes(row.delivery));
  if (notSent.length) problems.push(`replies not sent at the end: ${JSON.stringify(notSent.slice(0, 5))}`);
  // Warm-up (first two minutes: JIT, caches, prepared statements) is left out of the slope.
  const steady = samples.filter((s) => s.at - samples[0].at >= 2 * 60_000);
  const perHour = (key: 'heapUsed' | 'rss') => steady.length >= 3 ? (slope(steady.map((s) => ({ x: (s.at - steady[0].at) / 3_600_000, y: s[key] / 1024 / 1024 }))) ) : NaN;
  const heapSlope = perHour('heapUsed');
  const rssSlope = perHour('rss');
  if (Number.isFinite(heapSlope) && heapSlope > MAX_SLOPE_MB_PER_HOUR) problems.push(`heap grows ${heapSlope.toFixed(1)} MB/h (limit ${MAX_SLOPE_MB_PER_HOUR})`);
  if (steady.length < 3) problems.push('too few samples after warm-up for a slope: run at least 5 minutes');
  const handles = samples.map((s) => s.handles);
  return {
    problems,
    figures: {
      minutes: MINUTES,
      inbound: { sent: tally.inbound, filed: tally.filedIds.size, inDatabase: filedInDb.size },
      replies: { accepted: tally.accepted.size, refused: tally.refused, reachedPhone: [...tally.accepted].filter((t) => sentTexts.has(t)).length },
      phoneRecords: sent.length,
      polls: tally.polls,
      linkDrops: tally.drops,
      requestErrors: tally.errors,
      samples: samples.map((s) => ({ min: ((s.at - samples[0].at) / 60_000).toFixed(1), rssMB: mb(s.rss), heapMB: mb(s.heapUsed), handles: s.handles })),
      heapSlopeMBperHour: Number.isFinite(heapSlope) ? Number(heapSlope.toFixed(2)) : null,
      rssSlopeMBperHour: Number.isFinite(rssSlope) ? Number(rssSlope.toFixed(2)) : null,
      handles: { min: Math.min(...handles), max: Math.max(...handles) },
    },
  };
}

function readSimulatorRecord(dataDir: string): { to: string; body: string }[] {
  const file = fs.readdirSync(dataDir).find((name) => name.startsWith('simulator'));
  if (!file) return [];
  const text = fs.readFileSync(path.join(dataDir, file), 'utf8').trim();
  if (!text) return [];
  return text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((line) => JSON.parse(line));
}

await main();
