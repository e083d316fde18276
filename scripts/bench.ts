/**
 * `npm run bench`: the service against a floor of bare Fastify + better-sqlite3, on the same
 * SQLite settings, in one run. Progress goes to stderr; the report (Markdown) to stdout.
 *
 * Sections: 1. POST /ticket/:id/enviar-mensaje · 2. GET /ticket/:id/conversacion on 10 000
 * entries · 3. inbound messages filed per second · where the time goes (when the send ratio is
 * under 0.5) · 4. console polling capacity. Further sections: add a `Section` to SECTIONS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, BaselineInfo } from './bench/child.ts';
import { int, ms, ratio, table, us } from './bench/format.ts';
import { INBOUND_MESSAGES, INBOUND_PHONES, measureInbound } from './bench/inbound.ts';
import { interference, snapshot, type Interference } from './bench/machine.ts';
import { openLab, type Lab } from './bench/lab.ts';
import { hammer, type LoadOptions, type LoadResult } from './bench/load.ts';
import { measurePhases, PHASE_RUNS } from './bench/phases.ts';
import { measurePolling, PERIOD_MS, roundPaths, TARGET_P99_MS } from './bench/polling.ts';
import { startSystem, type SystemProcess } from './bench/procs.ts';
import { BIG_HISTORY, LIST_TICKETS, POLL_CHAT_ENTRIES, ROUND_ROBIN_TICKETS } from './bench/seed.ts';
import { waitFor } from './bench/stats.ts';
import { createDatabase, postgresBin, startCluster, type Cluster } from '../test/support/postgres.ts';

const CONNECTIONS = 10;
const MEASURE_S = 10;
const SHORT_S = 5;
const WARM_S = 2;

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const out: string[] = [];
const print = (text = '') => out.push(text);

/** Everything a section may use; sections print with `print` and may read what earlier ones left. */
interface Context {
  /** Which database the app and its floor run on (sections 1 and 4 run on both). */
  database: Database;
  app: SystemProcess<AppInfo>;
  baseline: SystemProcess<BaselineInfo>;
  lab: () => Promise<Lab>;
  dir: string;
  sendRatio?: number;
  /** Server CPU per request in section 1 (app one chat, baseline), for the breakdown. */
  sendCpuMs?: { app: number; baseline: number };
}
type Section = (ctx: Context) => Promise<void>;
type Database = 'SQLite' | 'PostgreSQL';

/** The side-by-side figures, per database, for the table at the end. */
const summary: Record<Database, { send?: { app: number; spread: number; floor: number }; polling?: { plain: number | null; conditional: number | null } }> = {
  SQLite: {},
  PostgreSQL: {},
};
interface NamedSection {
  name: string;
  run: Section;
}

const bearer = (info: AppInfo) => ({ authorization: `Bearer ${info.token}` });
let sent = 0;
const replyBody = () => JSON.stringify({ mensaje: `Respuesta ${++sent} del técnico: reinicia el equipo y confírmame 👍` });

interface Measured extends LoadResult {
  /** The server process's CPU time per 2xx answer (user + system; its background work included). */
  cpuMs: number;
}

async function measure(label: string, system: SystemProcess<unknown>, options: LoadOptions, warm = true): Promise<Measured> {
  if (warm) {
    log(`${label}: warm-up ${WARM_S} s`);
    await hammer({ ...options, seconds: WARM_S });
  }
  log(`${label}: ${options.seconds} s, ${options.connections} connections`);
  const before = await system.call<NodeJS.CpuUsage>('cpu');
  const result = await hammer(options);
  const after = await system.call<NodeJS.CpuUsage>('cpu');
  if (result.non2xx || result.errors || result.timeouts) {
    log(`${label}: non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts} ${JSON.stringify(result.statusCodes)}`);
  }
  const cpuMs = (after.user + after.system - before.user - before.system) / 1000 / result.ok;
  return { ...result, cpuMs };
}

const LOAD_HEAD = ['run', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', '2xx', 'non-2xx/err'];
const loadRow = (label: string, r: Measured) => [label, int(r.rps), ms(r.p50), ms(r.p99), ms(r.cpuMs), int(r.ok), r.non2xx + r.errors + r.timeouts];
const ratioRow = (label: string, a: Measured, b: Measured, bold = false) => {
  const mark = (text: string) => (bold ? `**${text}**` : text);
  return [mark(label), mark(ratio(a.rps / b.rps)), ratio(a.p50 / b.p50), mark(ratio(a.p99 / b.p99)), ratio(a.cpuMs / b.cpuMs), '', ''];
};

const sendSection: Section = async (ctx) => {
  const { app, baseline } = ctx;
  const { info } = app;
  const post = (port: number, paths: LoadOptions['paths'], headers: Record<string, string> = {}): LoadOptions => ({
    port,
    connections: CONNECTIONS,
    seconds: MEASURE_S,
    method: 'POST',
    headers,
    paths,
    body: replyBody,
  });
  const one = await measure('send: app, one chat', app, post(info.port, [`/ticket/${info.sendTicket}/enviar-mensaje`], bearer(info)));
  let turn = 0;
  const spreadPaths = () => `/ticket/${info.roundRobinTickets[turn++ % ROUND_ROBIN_TICKETS]}/enviar-mensaje`;
  const spread = await measure(`send: app, ${ROUND_ROBIN_TICKETS} chats`, app, { ...post(info.port, spreadPaths, bearer(info)), seconds: SHORT_S });
  await waitFor(async () => (await app.call<{ outboxPending: number }>('stats')).outboxPending === 0, 20_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stats = await app.call<{ tecnicoByDelivery: Record<string, number>; simulatorSent: number; outboxPending: number }>('stats');
  const base = await measure('send: baseline', baseline, post(baseline.info.port, [`/ticket/${baseline.info.ticket + 1}/enviar-mensaje`]));
  ctx.sendRatio = one.rps / base.rps;
  ctx.sendCpuMs = { app: one.cpuMs, baseline: base.cpuMs };
  summary[ctx.database].send = { app: one.rps, spread: spread.rps, floor: base.rps };

  print(`### 1. POST /ticket/:id/enviar-mensaje — ${ctx.database} (${CONNECTIONS} connections, ${WARM_S} s warm-up + ${MEASURE_S} s; every body distinct)`);
  print(
    table(LOAD_HEAD, [
      loadRow('app, one chat (bearer token, simulator driver)', one),
      loadRow(`app, ${ROUND_ROBIN_TICKETS} chats round-robin (${SHORT_S} s)`, spread),
      loadRow(`baseline: bare Fastify + 1 prepared INSERT (${ctx.database})`, base),
      ratioRow('ratio app/baseline (one chat)', one, base, true),
    ]),
  );
  const sentRows = (stats.tecnicoByDelivery.sent ?? 0) + (stats.tecnicoByDelivery.delivered ?? 0);
  print(
    `Check after both app runs (warm-ups included): ${int(sentRows)} technician rows sent/delivered ` +
      `(${JSON.stringify(stats.tecnicoByDelivery)}; null = seeded history), simulator record holds ${int(stats.simulatorSent)} lines, ` +
      `outbox pending ${stats.outboxPending}.`,
  );
  print();
};

const conversationSection: Section = async (ctx) => {
  const { app, baseline } = ctx;
  const { info } = app;
  const base = baseline.info;
  const get = (port: number, pathname: string, headers: Record<string, string> = {}, seconds = MEASURE_S): LoadOptions => ({
    port,
    connections: CONNECTIONS,
    seconds,
    headers,
    paths: [pathname],
  });
  const full = `/ticket/${info.bigTicket}/conversacion`;
  const newest = `${full}?limite=50`;
  const sizes = {
    appFull: await entries(info.port, full, bearer(info)),
    appNewest: await entries(info.port, newest, bearer(info)),
    base50: await entries(base.port, `/ticket/${base.ticket}/conversacion`),
    baseFull: await entries(base.port, `/ticket/${base.ticket}/conversacion?todo=1`),
  };
  log(`conversation: entries per answer ${JSON.stringify(sizes)}`);
  // The page the console asks for is measured first: straight after the full history it was billed
  // that run's tail (answers of 1.6 MB still being written, their garbage collected): 1.99 ms/req
  // against 0.94 measured again after it in the same run (19:07Z, load 10), and a 2 s warm-up did
  // not drain it on a loaded machine (1.41, 19:18Z).
  const appNewest = await measure('conversation: app, ?limite=50 (newest 50)', app, get(info.port, newest, bearer(info), SHORT_S));
  const appFull = await measure('conversation: app, full history', app, get(info.port, full, bearer(info)));
  const base50 = await measure('conversation: baseline, 50 rows', baseline, get(base.port, `/ticket/${base.ticket}/conversacion`));
  const baseFull = await measure(
    'conversation: baseline, all rows',
    baseline,
    get(base.port, `/ticket/${base.ticket}/conversacion?todo=1`, {}, SHORT_S),
    false,
  );

  print(`### 2. GET /ticket/:id/conversacion on a ticket with ${int(BIG_HISTORY)} entries (${CONNECTIONS} connections)`);
  print(
    `Without a query the contract answers the whole history, all ${int(sizes.appFull.count)} entries ` +
      `(${int(sizes.appFull.bytes / 1024)} KiB); the console asks for the newest page (?limite=). Rows 3–4 are the like-for-like comparisons.`,
  );
  const sized = (row: (string | number)[], size: { count: number; bytes: number }) => [...row, int(size.count), int(size.bytes / 1024)];
  print(
    table(LOAD_HEAD.concat('entries', 'KiB'), [
      sized(loadRow('app, full history (as asked: no query)', appFull), sizes.appFull),
      sized(loadRow('baseline: 50 rows, prepared SELECT', base50), sizes.base50),
      sized(loadRow(`app, ?limite=50, the newest (${SHORT_S} s)`, appNewest), sizes.appNewest),
      sized(loadRow(`baseline: all rows (${SHORT_S} s, no warm-up)`, baseFull), sizes.baseFull),
      [...ratioRow('ratio app full / baseline 50', appFull, base50, true), '', ''],
      [...ratioRow('ratio app ?limite=50 / baseline 50', appNewest, base50), '', ''],
      [...ratioRow('ratio app full / baseline all rows', appFull, baseFull), '', ''],
    ]),
  );
  print(
    `Seeding the ${int(BIG_HISTORY)} entries: 50 through the app's own createTicket, the rest in one better-sqlite3 ` +
      `transaction on the app's file with the app's column formats (${ms(info.seedMs)} ms in all).`,
  );
  print();
};

async function entries(port: number, pathname: string, headers: Record<string, string> = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${pathname}: ${response.status} ${text.slice(0, 200)}`);
  return { count: (JSON.parse(text) as { historial: unknown[] }).historial.length, bytes: Buffer.byteLength(text) };
}

const inboundSection: Section = async (ctx) => {
  const lab = await ctx.lab();
  const runs = await measureInbound(lab, log);
  print(
    `### 3. Inbound messages filed (simulator \`receive()\`, in process, ${int(INBOUND_MESSAGES)} messages over ` +
      `${INBOUND_PHONES} new phones per run, each run bounded to 25 s)`,
  );
  print(
    table(
      ['run', 'msgs/s', 'mean ms/msg', 'seconds', 'messages', 'filed', 'tickets opened', 'errors'],
      runs.map((r) => [r.label, int(r.perSecond), ms((r.seconds * 1000) / r.messages), r.seconds.toFixed(2), r.messages, r.filed, r.ticketsOpened, r.errors]),
    ),
  );
  for (const r of runs) if (r.errors) print(`${r.label}: ${r.errors} receive() calls failed, first: ${r.firstError}`);
  print('AUTO_ACK on (default): each opened ticket queues one acknowledgement, sent through the outbox while the run goes on.');
  print();
};

const whereTimeGoesSection: Section = async (ctx) => {
  if (ctx.sendRatio === undefined || ctx.sendRatio >= 0.5) return;
  const { info } = ctx.app;
  const single = await measure(
    'send: app, 1 connection',
    ctx.app,
    { port: info.port, connections: 1, seconds: 3, method: 'POST', headers: bearer(info), paths: [`/ticket/${info.sendTicket}/enviar-mensaje`], body: replyBody },
    false,
  );
  const report = await measurePhases(await ctx.lab(), path.join(ctx.dir, 'lab'), log);
  const onPath = report.phases.filter((p) => p.onRequestPath);
  const sum = (list: typeof onPath) => list.reduce((s, p) => s + p.meanUs, 0);
  const fsyncs = (list: typeof onPath) => list.reduce((s, p) => s + p.fsyncs, 0);
  print(`### Where the time goes (send ratio ${ratio(ctx.sendRatio)} < 0.5)`);
  print(
    `Each phase of one enviar-mensaje, run ${PHASE_RUNS}× sequentially in process on the lab app's database ` +
      '(WAL, FULL) with the same statements the service runs; µs per call. In parentheses: not on the request path ' +
      '(after the reply, or only for a reply queued behind a backlog), but on the same thread and the same write lock.',
  );
  print(
    table(
      ['phase', 'mean µs', 'p99 µs', 'fsyncs'],
      [
        ...report.phases.map((p) => [p.onRequestPath ? p.name : `(${p.name})`, us(p.meanUs), us(p.p99Us), p.fsyncs]),
        ['**sum on the request path**', `**${us(sum(onPath))}**`, '', fsyncs(onPath)],
        ['whole send in process (real outbox + simulator), 200×', us(report.endToEndUs.mean), us(report.endToEndUs.p99), ''],
        ['HTTP, 1 connection, 3 s: mean latency', us(single.meanMs * 1000), us(single.p99 * 1000), ''],
        ['HTTP, 1 connection, 3 s: server CPU per request', us(single.cpuMs * 1000), '', ''],
        ...(ctx.sendCpuMs
          ? [
              ['section 1, app: server CPU per request', us(ctx.sendCpuMs.app * 1000), '', ''],
              ['section 1, baseline: server CPU per request', us(ctx.sendCpuMs.baseline * 1000), '', ''],
            ]
          : []),
        ...report.references.map((p) => [`reference: ${p.name}`, us(p.meanUs), us(p.p99Us), p.fsyncs]),
      ],
    ),
  );
  print(
    `CPU samples of 200 whole sends in process (with their acks), by owner: ` +
      report.cpu.filter((c) => c.share >= 0.01).map((c) => `${c.name} ${(c.share * 100).toFixed(0)} %`).join(' · ') + '.',
  );
  const perRequest = report.phases.filter((p) => !p.name.startsWith('behind a backlog'));
  const writeLock = perRequest.filter((p) => p.fsyncs > 0 && !p.name.startsWith('simulator'));
  print(
    `Everything here runs on the service's one thread (better-sqlite3 and fsync are synchronous), and every write ` +
      `takes the single write lock (db.write). Per request: ${fsyncs(perRequest)} fsyncs ` +
      `(${fsyncs(onPath)} before the reply), ${writeLock.length} write transactions; the baseline does 1 of each.`,
  );
  print();
};

const pollingSection: Section = async (ctx) => {
  const { info } = ctx.app;
  const target = { port: info.port, cookie: info.cookie, chatTicket: info.pollTicket, cpu: () => ctx.app.call<NodeJS.CpuUsage>('cpu') };
  // Same run, same service, same data: first every poll asks afresh, then every poll sends the
  // last answer's ETag as the browser does (If-None-Match), so an unchanged view is a 304.
  const plain = await measurePolling(target, log);
  const conditional = await measurePolling({ ...target, conditional: true }, (line) => log(`${line} (If-None-Match)`));
  const paths = roundPaths(info.pollTicket);
  summary[ctx.database].polling = { plain: plain.capacity, conditional: conditional.capacity };
  print(`### 4. Console polling — ${ctx.database}: 3 pollers every ${PERIOD_MS / 1000} s per console, pass = request p99 < ${TARGET_P99_MS} ms and no errors`);
  print(
    `A signed-in console polls ${paths.map((p) => `GET ${p}`).join(', ')} (console/lib/poll.ts; the chat poll asks for the ` +
      `newest page, ?limite=200, as console/stores/chat.ts does), each on its own timer, with a session cookie (its WebSocket is not opened here). Here: list = ${LIST_TICKETS} tickets (the ` +
      `default page), open chat = ${POLL_CHAT_ENTRIES} entries. Two runs on the same service: without If-None-Match (every poll ` +
      'answered in full), then with it (each poll sends the ETag of its last answer, as browsers do; nothing changes during ' +
      'the run, so after the first answer each poll is a 304 — the list also changes once a minute, when its SLA clocks move).',
  );
  const capacity = (r: typeof plain) =>
    r.capacity === null ? 'none passed' : `${int(r.capacity)}${r.bounded ? ' (lower bound: the search ended before a step failed)' : ''}`;
  const alone = (r: typeof plain) => paths.map((p) => `${p.split('?')[0]} ${ms(r.unloadedMs[p].mean)} (p99 ${ms(r.unloadedMs[p].p99)})`).join(', ');
  print(
    table(
      ['run', 'each poll alone on an idle service, mean ms (p99)', 'server CPU ms per round of 3', 'closed-loop ceiling, consoles', '**consoles at p99 < 100 ms**'],
      [
        ['without ETag', alone(plain), ms(plain.cpuMsPerRound), int(plain.estimate), `**${capacity(plain)}**`],
        ['with If-None-Match', alone(conditional), ms(conditional.cpuMsPerRound), int(conditional.estimate), `**${capacity(conditional)}**`],
      ],
    ),
  );
  for (const [label, r] of [['without ETag', plain], ['with If-None-Match', conditional]] as const) {
    print(`Steps, ${label}:`);
    print(
      table(
        ['consoles', 'req/s offered', 'requests', '304', 'p50 ms', 'p99 ms', 'errors', 'pass'],
        r.steps.map((s) => [int(s.consoles), int(s.rps), int(s.requests), int(s.notModified), ms(s.p50), ms(s.p99), s.failures, s.pass ? 'yes' : 'no']),
      ),
    );
  }
  print(
    'Open-loop load from this process (own HTTP client, each poller at a random moment, one 5 s period per step, so steps ' +
      "near the limit vary from run to run); autocannon's overallRate was not used: it sends each connection's quota " +
      'back to back at the top of every second, which no set of consoles does. The load generator shares the 2 cores with ' +
      'the service: at the highest steps it is part of what is measured.',
  );
  print();
};

/**
 * Hook for later additions: append a section here. It gets the running app and baseline (their
 * ports, token, cookie, seeded tickets), the in-process lab app, and prints its own table.
 */
const SECTIONS: NamedSection[] = [
  { name: '1. enviar-mensaje', run: sendSection },
  { name: '2. conversacion', run: conversationSection },
  { name: '3. inbound', run: inboundSection },
  { name: 'where the time goes', run: whereTimeGoesSection },
  { name: '4. console polling', run: pollingSection },
];

const POSTGRES_SECTIONS = ['1. enviar-mensaje', '4. console polling'];

function printSummary() {
  const cell = (n: number | null | undefined, digits = 0) => (n === undefined ? 'not run' : n === null ? 'none passed' : digits ? ratio(n) : int(n));
  const row = (label: string, pick: (d: Database) => number | null | undefined, digits = 0) => [label, ...(['SQLite', 'PostgreSQL'] as const).map((d) => cell(pick(d), digits))];
  const send = (d: Database) => summary[d].send;
  print('### Side by side');
  print(
    table(
      ['figure', 'SQLite', 'PostgreSQL'],
      [
        row('enviar-mensaje, app, one chat, req/s', (d) => send(d)?.app),
        row(`enviar-mensaje, app, ${ROUND_ROBIN_TICKETS} chats, req/s`, (d) => send(d)?.spread),
        row('floor: bare Fastify + 1 prepared INSERT, req/s', (d) => send(d)?.floor),
        row('**ratio app (one chat) / floor** (goal ≥ 0.5)', (d) => (send(d) ? send(d)!.app / send(d)!.floor : undefined), 2),
        row('consoles polling at p99 < 100 ms, without ETag', (d) => summary[d].polling?.plain),
        row('**consoles polling at p99 < 100 ms, with If-None-Match** (goal 5,000)', (d) => summary[d].polling?.conditional),
      ],
    ),
  );
  print();
}

async function main() {
  const loadAtStart = os.loadavg();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-bench-'));
  const started: SystemProcess<unknown>[] = [];
  let lab: Lab | undefined;
  let cluster: Cluster | undefined;
  let postgresLine = 'PostgreSQL: not run.';
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
      await lab?.app.close().catch(() => undefined);
      try {
        cluster?.stop();
      } catch {
        // already gone
      }
      fs.rmSync(dir, { recursive: true, force: true });
    })());
  // Stays registered for repeated signals: tsx relays a Ctrl-C a second time, and with no
  // listener left its own handler would exit at once, leaving the children and the temp dir.
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    log('starting the app and the baseline (child processes)');
    const starts = await Promise.allSettled([
      startSystem<AppInfo>('app', path.join(dir, 'app')),
      startSystem<BaselineInfo>('baseline', path.join(dir, 'baseline')),
    ]);
    for (const s of starts) if (s.status === 'fulfilled') started.push(s.value);
    for (const s of starts) if (s.status === 'rejected') throw s.reason;
    const [app, baseline] = started as [SystemProcess<AppInfo>, SystemProcess<BaselineInfo>];
    let labPromise: Promise<Lab> | undefined;
    const ctx: Context = {
      database: 'SQLite',
      app,
      baseline,
      dir,
      lab: () => (labPromise ??= openLab(path.join(dir, 'lab')).then((l) => (lab = l))),
    };
    for (const p of [app.info.pragmas!, baseline.info.pragmas!]) {
      if (p.journal_mode !== 'wal' || p.synchronous !== 2) throw new Error(`SQLite settings differ: ${JSON.stringify(p)}`);
    }
    const cpuOf = () => snapshot([() => app.call('cpu'), () => baseline.call('cpu')]);
    const noise: [string, Interference][] = [];
    // BENCH_ONLY=1,4 runs only the sections whose names start with those (a quicker look at one).
    const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
    const chosen = SECTIONS.filter((s) => !only || only.some((name) => s.name.startsWith(name)));
    const runSections = async (sections: NamedSection[], context: Context, cpu: typeof cpuOf, prefix = '') => {
      for (const section of sections) {
        const before = await cpu();
        try {
          await section.run(context);
        } catch (err) {
          log(`section failed: ${err instanceof Error ? err.stack : String(err)}`);
          print(`**Section ${prefix}${section.name} failed: ${String(err).split('\n')[0]}** (its numbers are missing)`);
          print();
        }
        noise.push([`${prefix}${section.name}`, interference(before, await cpu())]);
      }
    };
    // BENCH_POSTGRES=only: the PostgreSQL runs alone (SQLite's service still starts, unmeasured).
    if (process.env.BENCH_POSTGRES !== 'only') await runSections(chosen, ctx, cpuOf);
    // The SQLite service and floor step aside (their timers would run on the same cores).
    await Promise.all([app.stop(), baseline.stop()]);

    // The same sections 1 and 4 on PostgreSQL, each with its own floor on the same cluster.
    const onPostgres = chosen.filter((s) => POSTGRES_SECTIONS.includes(s.name));
    if (onPostgres.length && process.env.BENCH_POSTGRES !== 'off') {
      let bin: string | null = null;
      try {
        bin = postgresBin();
      } catch (err) {
        print(`### PostgreSQL: skipped — ${(err as Error).message}`);
        print();
      }
      if (bin) {
        log(`starting a throwaway PostgreSQL (${bin}, fsync and synchronous_commit on)`);
        cluster = await startCluster({ durable: true });
        const [appUrl, floorUrl] = [await createDatabase(cluster.url, 'puente_bench'), await createDatabase(cluster.url, 'puente_floor')];
        const pgStarts = await Promise.allSettled([
          startSystem<AppInfo>('app', path.join(dir, 'pg-app'), appUrl),
          startSystem<BaselineInfo>('baseline', path.join(dir, 'pg-baseline'), floorUrl),
        ]);
        for (const s of pgStarts) if (s.status === 'fulfilled') started.push(s.value);
        for (const s of pgStarts) if (s.status === 'rejected') throw s.reason;
        const [pgApp, pgBaseline] = pgStarts.map((s) => (s as PromiseFulfilledResult<SystemProcess<unknown>>).value) as [
          SystemProcess<AppInfo>,
          SystemProcess<BaselineInfo>,
        ];
        postgresLine =
          `PostgreSQL ${path.basename(path.dirname(bin))} (throwaway cluster, initdb in a temp dir, durable defaults), read back: ` +
          `app ${pgApp.info.durability} · floor ${pgBaseline.info.durability}. App and floor each on their own database of that cluster.`;
        const pgCpu = () => snapshot([() => pgApp.call('cpu'), () => pgBaseline.call('cpu')]);
        await runSections(onPostgres, { ...ctx, database: 'PostgreSQL', app: pgApp, baseline: pgBaseline, sendRatio: undefined }, pgCpu, 'PostgreSQL ');
      }
    }

    printSummary();
    const cores = (n: number | null) => (n === null ? 'n/a' : n.toFixed(2));
    print('### Was the machine ours? CPU outside this benchmark\'s processes, per section (from /proc/stat)');
    print(
      table(
        ['section', 'seconds', 'other processes, user CPU (avg cores)', 'kernel time not charged to us (avg cores)', 'steal'],
        noise.map(([name, n]) => [name, n.seconds.toFixed(0), cores(n.otherUserCores), cores(n.unchargedKernelCores), cores(n.stealCores)]),
      ),
    );
    const disturbed = noise.filter(([, n]) => (n.otherUserCores ?? 0) > 0.1);
    print(
      disturbed.length
        ? `**Disturbed: other processes used more than 0.1 core of user CPU during ${disturbed.map(([name]) => name).join(', ')}; ` +
            'req/s and latencies there are lower/higher than on a quiet machine. CPU ms/req is the steadier figure.**'
        : 'Quiet: no other process used more than 0.1 core of user CPU during any section.',
    );
    print();
    const labPragmas = lab ? ` · in-process lab app ${lab.pragmas.journal_mode}/synchronous=${lab.pragmas.synchronous}` : '';
    const elapsed = ((performance.now() - t0) / 1000).toFixed(0);
    const cpus = os.cpus();
    const header = [
      `## Puente benchmark, ${new Date().toISOString().slice(0, 16)}Z (\`npm run bench\`, ${elapsed} s)`,
      `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
        `Node ${process.version}, ${os.platform()} ${os.release()}; temp files under ${os.tmpdir()}; ` +
        `load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
      'Processes: the app and the baseline each run in their own child process (started before any measuring, measured ' +
        'one after the other, app first); autocannon 9.0.0 and the polling client run in the parent, so on 2 cores the ' +
        'server has one core and the load generator the other. Sections 3 and "where the time goes" run in the parent, in process.',
      `SQLite, read back from each connection: app ${app.info.pragmas!.journal_mode}/synchronous=${app.info.pragmas!.synchronous} (FULL) · ` +
        `baseline ${baseline.info.pragmas!.journal_mode}/synchronous=${baseline.info.pragmas!.synchronous} (FULL)${labPragmas}.`,
      postgresLine,
      'App: buildApp(server/app.ts), WHATSAPP_DRIVER=simulator (it appends its record on every send, without fsync: it stands in for WhatsApp\'s servers), logger off, ' +
        `SEND_RATE_PER_MINUTE=1000000, SESSION_CACHE_MS=${process.env.SESSION_CACHE_MS ?? '30000 (default; PostgreSQL only)'}, ` +
        'integration token for the contract endpoints. Baseline: bare Fastify, no auth, ' +
        'one prepared statement per request. Latency percentiles are exact (raw samples), closed loop.',
      '',
    ];
    process.stdout.write(`${[...header, ...out].join('\n')}\n`);
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

await main();
