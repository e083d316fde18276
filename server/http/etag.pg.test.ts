import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';

// Two service processes on one PostgreSQL (two apps in this test process): the stored versions
// live in the database, so a change made through one is a new ETag on the other.
let a: TestApp;
let b: TestApp;
/** How long a process remembers a version it read (VERSION_CACHE_MS). */
const BOUND_MS = 3000;
beforeAll(async () => {
  const env = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000', VERSION_CACHE_MS: String(BOUND_MS) };
  a = await buildTestApp(env);
  b = await buildTestApp(env);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const get = (t: TestApp, url: string, etag?: string) =>
  t.app.inject({ method: 'GET', url, headers: { ...t.admin, ...(etag ? { 'if-none-match': etag } : {}) } });

/** The view's ETag once settled: 200, then 304 to it (a relayed event may still be on its way). */
async function versionOn(t: TestApp, url: string): Promise<string> {
  const settled = await eventually(async () => {
    const first = await get(t, url);
    expect(first.statusCode).toBe(200);
    const etag = String(first.headers.etag);
    return (await get(t, url, etag)).statusCode === 304 ? etag : undefined;
  });
  return settled as string;
}

/** The view's answer to an old ETag once a change elsewhere reached this process: a 200. */
async function changedOn(t: TestApp, url: string, etag: string) {
  const answer = await eventually(async () => {
    const reply = await get(t, url, etag);
    return reply.statusCode === 200 ? reply : undefined;
  });
  return answer!;
}

describe('conditional GET across processes on PostgreSQL', () => {
  it('a change made on A is a new ETag on B, for the list, the conversation and the link status', async () => {
    const ticket = await createTicket(a);
    const conversation = `/ticket/${ticket.id}/conversacion`;
    const list = await versionOn(b, '/api/tickets');
    const history = await versionOn(b, conversation);
    // Same stored version, same view: both processes name it alike.
    expect(await versionOn(a, conversation)).toBe(history);

    const patched = await a.app.inject({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, headers: a.admin, payload: { status: 'on_hold' } });
    expect(patched.statusCode).toBe(200);
    // The change reaches B's memory through the relayed event: a new ETag on B soon after (at the
    // latest once VERSION_CACHE_MS has passed, were the event lost).
    const listed = await changedOn(b, '/api/tickets', list);
    expect(listed.json().tickets.find((row: { id: number }) => row.id === ticket.id).status).toBe('on_hold');
    // The status change wrote a history line? Either way, a note on A is a new version on B.
    const before = await versionOn(b, `${conversation}?notas=1`);
    const note = await a.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/nota`, headers: a.admin, payload: { texto: 'desde A' } });
    expect(note.statusCode).toBe(201);
    const noted = await changedOn(b, `${conversation}?notas=1`, before);
    expect(noted.json().historial.at(-1)).toMatchObject({ role: 'nota', content: 'desde A' });

    // The link: whichever process holds it, a reply waiting in the queue is a new status version on both.
    const holder = a.app.puente.lease.held() ? a : b;
    holder.simulator.setMode('disconnected');
    await eventually(async () => (await get(a, '/api/whatsapp/status')).json().state === 'disconnected' && (await get(b, '/api/whatsapp/status')).json().state === 'disconnected');
    const status = await versionOn(b, '/api/whatsapp/status');
    const reply = await a.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: a.admin, payload: { mensaje: 'en cola' } });
    expect(reply.statusCode).toBe(503);
    const queued = await changedOn(b, '/api/whatsapp/status', status);
    expect(queued.json().queued).toBe(1);
    holder.simulator.setMode('ready');
  });
});

/** The statements one process runs from now on (a 304's only query was its version lookup). */
function statementsOf(t: TestApp) {
  const spy = vi.spyOn(t.app.puente.db, 'all');
  const all = () => spy.mock.calls.map(([statement]) => statement.postgres);
  return {
    all,
    versions: () => all().filter((text) => /FROM "ChangeCounter"|SELECT version FROM "Ticket"/.test(text)),
    /** Forgets what was counted so far. */
    clear: () => spy.mockClear(),
  };
}

describe('versions remembered in memory on PostgreSQL', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an unchanged poll answers 304 with no query at all (versions and the session both remembered)', async () => {
    const ticket = await createTicket(a);
    const urls = ['/api/tickets', `/ticket/${ticket.id}/conversacion`, '/api/whatsapp/status'];
    const tags: string[] = [];
    for (const url of urls) tags.push(await versionOn(b, url));
    const seen = statementsOf(b);
    // Retried while an earlier test's background work (a queue draining on A) still announces
    // changes, each of which rightly costs one lookup again (and a 200 with the new tag).
    await eventually(async () => {
      seen.clear();
      let changed = false;
      for (let i = 0; i < 3; i++) {
        for (const [n, url] of urls.entries()) {
          const answer = await get(b, url, tags[n]);
          if (answer.statusCode !== 304) [changed, tags[n]] = [true, String(answer.headers.etag)];
        }
      }
      return !changed && seen.all().length === 0;
    }, 20_000);
  });

  it('a change no event announces (a write straight to the database) shows on the next poll once the bound has passed', async () => {
    const ticket = await createTicket(a);
    // Every event B hears: one arriving from earlier work (the new ticket, a reply's delivery on A)
    // rightly makes B read again, so the write is tried again until a window that nothing announced.
    let announced = 0;
    const stop = b.app.puente.events.subscribe(() => announced++, { everywhere: true });
    let attempt = 0;
    const quietWindow = (await eventually(async () => {
      const quiet = announced;
      const tag = await versionOn(b, '/api/tickets');
      const read = Date.now();
      const subject = `cambiado a mano ${++attempt}`;
      await b.app.puente.db.run({ sqlite: '', postgres: 'UPDATE "Ticket" SET subject = :subject WHERE id = :id' }, { subject, id: ticket.id });
      // Remembered: the poll right after still names the old version (well inside the bound)…
      const soon = await get(b, '/api/tickets', tag);
      return announced === quiet && Date.now() - read < BOUND_MS / 2 ? { tag, read, subject, soon } : undefined;
    }, 20_000))!;
    stop();
    expect(quietWindow.soon.statusCode).toBe(304);
    // …and never past it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietWindow.read + BOUND_MS - Date.now())));
    const later = await get(b, '/api/tickets', quietWindow.tag);
    expect(later.statusCode).toBe(200);
    expect(later.json().tickets.find((row: { id: number }) => row.id === ticket.id).subject).toBe(quietWindow.subject);
  });

  it('while the notification listener reconnects, every poll reads its version from the database', async () => {
    const ticket = await createTicket(a);
    const url = `/ticket/${ticket.id}/conversacion`;
    const tag = await versionOn(b, url);
    const relay = b.app.puente.relay!;
    const seen = statementsOf(b);
    // Drop every listening session on this database (both processes'): the relays reconnect after 1 s.
    await b.app.puente.db.all({ sqlite: '', postgres: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ~ '^(LISTEN|SELECT pg_notify)'` }, {});
    await eventually(() => !relay.connected());
    seen.clear();
    expect((await get(b, url, tag)).statusCode).toBe(304);
    expect((await get(b, url, tag)).statusCode).toBe(304);
    const down = seen.versions().length;
    if (!relay.connected()) expect(down).toBe(2);
    // Connected again: remembered anew from the first read on.
    await eventually(() => relay.connected());
    seen.clear();
    for (let i = 0; i < 3; i++) expect((await get(b, url, tag)).statusCode).toBe(304);
    expect(seen.versions()).toHaveLength(1);
  });
});
