/**
 * `npm run bench:files`: time and memory to accept a 10 MB photo and a 5 MB PDF through the real
 * app (inject: multipart parsing, type detection, sharp, the content-addressed store with fsync,
 * SQLite, the simulator's send). Each request's stored file is removed after it, so every
 * request writes its file (the store would otherwise find the same bytes already there).
 * p50/p99 per kind, and the process's peak RSS. Figures to stdout.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { buildApp } from '../test/support/app.ts';
import { loadConfig } from '../server/config.ts';
import { multipartBody, pdfOfSize } from '../test/support/files.ts';

const RUNS = Number(process.env.BENCH_FILES_RUNS ?? 30);
const TEN_MB = 10 * 1024 * 1024;

/** A camera-like photo just under 10 MB: noise keeps JPEG from compressing it small. */
async function photoNear10MB(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const raw = randomBytes(width * height * 3);
  for (let quality = 90; quality >= 40; quality -= 5) {
    const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
    if (jpeg.length <= TEN_MB) return jpeg;
  }
  throw new Error('could not make a photo under 10 MB');
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-bench-files-'));
  const app = await buildApp(
    loadConfig({ DATA_DIR: dir, WHATSAPP_DRIVER: 'simulator', ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'contraseña-bench', LOG_LEVEL: 'silent', SEND_RATE_PER_MINUTE: '100000' }),
  );
  try {
    await app.ready();
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'contraseña-bench' } });
    const cookie = `puente_sesion=${login.cookies.find((c) => c.name === 'puente_sesion')!.value}`;
    const created = await app.inject({ method: 'POST', url: '/api/tickets', headers: { cookie }, payload: { phone: '+5214771234567', subject: 'bench' } });
    const ticketId = created.json().id as number;
    const inputs = [
      { kind: 'photo 10 MB', bytes: await photoNear10MB(), name: 'foto.jpg' },
      { kind: 'pdf 5 MB', bytes: await pdfOfSize(5 * 1024 * 1024), name: 'guia.pdf' },
    ];
    const rssBefore = process.memoryUsage().rss;
    console.log(`runs: ${RUNS} each · RSS before: ${mb(rssBefore)} MB · cores: ${os.availableParallelism()}`);
    for (const input of inputs) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const body = multipartBody([{ name: 'mensaje', value: `envío ${i}` }, { name: 'archivo', filename: input.name, bytes: input.bytes }]);
        const started = performance.now();
        const response = await app.inject({ method: 'POST', url: `/ticket/${ticketId}/enviar-archivo`, headers: { cookie, ...body.headers }, payload: body.payload });
        times.push(performance.now() - started);
        if (response.statusCode !== 200) throw new Error(`${input.kind}: ${response.statusCode} ${response.body}`);
        const attachment = await app.puente.db.prisma.attachment.findUniqueOrThrow({ where: { id: response.json().adjunto.id } });
        fs.rmSync(app.puente.media.pathOf(attachment.sha256));
      }
      times.sort((a, b) => a - b);
      console.log(
        `${input.kind} (${mb(input.bytes.length)} MB in): p50 ${percentile(times, 50).toFixed(0)} ms · p99 ${percentile(times, 99).toFixed(0)} ms · max ${times.at(-1)!.toFixed(0)} ms`,
      );
    }
    console.log(`peak RSS of the process: ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
