/**
 * One hot request of the SQLite service, alone: `enviar-mensaje` (send) or the conversation read
 * (conv), on the real app (buildApp, simulator driver, bearer token) in this process. Used to count
 * fsyncs per send and to compare two commits with the same harness (issue 12, issue 8).
 *
 *   npx tsx scripts/bench-hot.ts send                  # N sequential sends (inject): wall and CPU ms each
 *   HTTP=1 npx tsx scripts/bench-hot.ts conv           # autocannon in a child, 10 connections, N requests:
 *                                                      # server CPU ms/request (this process only)
 *   strace -f -e trace=fsync,fdatasync -c npx tsx scripts/bench-hot.ts send   # fsyncs (N + 300 warm-up sends)
 *   PROF=/tmp/send.cpuprofile npx tsx scripts/bench-hot.ts send               # CPU profile of the measured loop
 *
 * N (default 3000) requests; ENTRIES (default 200) entries in the ticket's history; Q the
 * conversation's query (default ?limite=50; Q= for the whole history).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../test/support/app.ts';
import { benchConfig } from './bench/config.ts';
import { createTicket } from '../server/tickets/tickets.ts';
import { seedEntries } from './bench/seed.ts';

const what = process.argv[2] === 'send' ? 'send' : 'conv';
const N = Number(process.env.N ?? 3000);
const query = process.env.Q ?? '?limite=50';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-bench-hot-'));
const { admin, config } = benchConfig(dir);
const app = await buildApp(config, { logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
try {
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: admin });
  const cookie = `puente_sesion=${login.cookies.find((c) => c.name === 'puente_sesion')!.value}`;
  const minted = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'bench' } });
  const token = (minted.json() as { token: string }).token;
  const historial = seedEntries(Number(process.env.ENTRIES ?? 200), Date.now() - 86_400_000);
  const ticket = await createTicket(app.puente.db, { phone: '+5214770000001', name: 'Usuario de prueba', subject: 'bench-hot', historial });
  const url = what === 'send' ? `/ticket/${ticket.id}/enviar-mensaje` : `/ticket/${ticket.id}/conversacion${query}`;

  if (process.env.HTTP) {
    const port = (app.server.address() as AddressInfo).port;
    const bin = new URL('../node_modules/.bin/autocannon', import.meta.url).pathname;
    const hammer = (amount: number) => {
      const args = ['-c', '10', '-a', String(amount), '-j', '-H', `authorization=Bearer ${token}`];
      if (what === 'send') args.push('-m', 'POST', '-H', 'content-type=application/json', '-b', '{"mensaje":"hola [<id>]"}', '--idReplacement');
      return promisify(execFile)(bin, [...args, `http://127.0.0.1:${port}${url}`], { maxBuffer: 1 << 24 });
    };
    await hammer(Math.round(N / 3)); // warm-up
    const before = process.cpuUsage();
    const { stdout } = await hammer(N);
    const cpu = process.cpuUsage(before);
    const result = JSON.parse(stdout) as { non2xx: number; requests: { average: number }; latency: { p99: number } };
    const cpuMsPerReq = (cpu.user + cpu.system) / 1000 / N;
    console.log(JSON.stringify({ what, http: true, N, non2xx: result.non2xx, rps: result.requests.average, p99: result.latency.p99, cpuMsPerReq, load: os.loadavg() }));
  } else {
    let i = 0;
    const one = () =>
      what === 'send'
        ? app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: { mensaje: `hola ${i++}` } })
        : app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    for (let k = 0; k < 300; k++) await one(); // warm-up
    const session = new Session();
    if (process.env.PROF) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    const before = process.cpuUsage();
    const start = performance.now();
    let failed = 0;
    for (let k = 0; k < N; k++) if ((await one()).statusCode !== 200) failed++;
    const cpu = process.cpuUsage(before);
    const wallMsPerReq = (performance.now() - start) / N;
    if (process.env.PROF) fs.writeFileSync(process.env.PROF, JSON.stringify((await session.post('Profiler.stop')).profile));
    console.log(JSON.stringify({ what, N, failed, wallMsPerReq, cpuMsPerReq: (cpu.user + cpu.system) / 1000 / N, load: os.loadavg() }));
  }
} finally {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
