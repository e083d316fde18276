import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { eventually } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { SessionCache, type SessionRow } from './session-cache.ts';
import { IdleClock, renewSession, sessionPrincipal, type SessionPolicy } from './sessions.ts';

const MINUTE = 60_000;

function row(id: number, lastSeenAt = new Date(0)): SessionRow {
  return { expiresAt: new Date(Date.now() + 3_600_000), lastSeenAt, id, username: `u${id}`, displayName: null, role: 'tecnico', active: true };
}

/** A cache on a clock the test moves, over a "database" that counts its reads. */
function setup(maxAgeMs = 30_000) {
  const clock = { now: 0, live: true };
  const cache = new SessionCache({ live: () => clock.live, maxAgeMs, now: () => clock.now });
  const rows = new Map<string, SessionRow>([['a', row(1)], ['b', row(1)], ['c', row(2)]]);
  const reads: string[] = [];
  let hold: Promise<void> | null = null;
  const lookup = (hash: string) => async () => {
    reads.push(hash);
    const found = rows.get(hash) ?? null;
    await hold;
    return found;
  };
  /** What a request sees: the remembered row, else a read. */
  const see = async (hash: string) => cache.get(hash) ?? (await cache.load(hash, lookup(hash)));
  return { clock, cache, rows, reads, see, holdUntil: (p: Promise<void>) => (hold = p) };
}

describe('SessionCache', () => {
  it('answers from memory within the bound and reads again once it has passed', async () => {
    const { clock, reads, see } = setup(30_000);
    await see('a');
    clock.now = 29_999;
    await see('a');
    expect(reads).toEqual(['a']);
    clock.now = 30_000;
    await see('a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('forgets one session, or every session of one account, and nothing else', async () => {
    const { cache, reads, see } = setup();
    for (const hash of ['a', 'b', 'c']) await see(hash);
    cache.forget({ session: 'a' });
    for (const hash of ['a', 'b', 'c']) await see(hash);
    expect(reads.slice(3)).toEqual(['a']);
    cache.forget({ user: 1 });
    for (const hash of ['a', 'b', 'c']) await see(hash);
    expect(reads.slice(4)).toEqual(['a', 'b']);
  });

  it('while the listener is not connected every lookup goes to the database, and nothing read then is kept', async () => {
    const { clock, cache, reads, see } = setup();
    await see('a');
    clock.live = false;
    await see('a');
    await see('a');
    expect(reads).toEqual(['a', 'a', 'a']);
    clock.live = true;
    cache.reset(); // the listener reconnected: what it missed is unknown
    await see('a');
    await see('a');
    expect(reads).toEqual(['a', 'a', 'a', 'a']);
  });

  it('a read racing with a forget is not remembered (it may hold the ended session)', async () => {
    const { cache, rows, reads, see, holdUntil } = setup();
    let release!: () => void;
    holdUntil(new Promise<void>((resolve) => (release = resolve)));
    const racing = see('a');
    rows.delete('a'); // logout on another process: deleted, then announced
    cache.forget({ session: 'a' });
    release();
    expect(await racing).not.toBeNull();
    expect(await see('a')).toBeNull();
    expect(reads).toEqual(['a', 'a']);
  });

  it('requests arriving together share one read; an unknown session is never remembered', async () => {
    const { reads, see } = setup();
    await Promise.all([see('a'), see('a'), see('a')]);
    expect(await see('zz')).toBeNull();
    expect(await see('zz')).toBeNull();
    expect(reads).toEqual(['a', 'zz', 'zz']);
  });

  it('0 turns it off: every lookup reads', async () => {
    const { reads, see } = setup(0);
    await see('a');
    await see('a');
    expect(reads).toEqual(['a', 'a']);
  });
});

describe('sessionPrincipal with a session cache (on the real database)', () => {
  const t = useTestApp();
  const tokenOf = () => t.admin.cookie.replace(/^puente_sesion=/, '');
  const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

  /** This process's policy with a cache whose clock stands still (entries never age out here). */
  function policyWithCache(): SessionPolicy {
    return { ttlHours: 12, idleMinutes: 30, seen: new IdleClock(), cache: new SessionCache({ live: () => true, maxAgeMs: 30_000, now: () => 0 }) };
  }

  it('a remembered session answers without a query', async () => {
    const policy = policyWithCache();
    const { db } = t.app.puente;
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: false })).not.toBeNull();
    const all = vi.spyOn(db, 'all');
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: false })).toMatchObject({ user: { username: 'admin' } });
    expect(all).not.toHaveBeenCalled();
  });

  it('idle past the limit: the remembered row is read again and the session ends (401 on the same times as without a cache)', async () => {
    const policy = policyWithCache();
    const { db } = t.app.puente;
    const start = new Date();
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: false, now: start })).not.toBeNull();
    const all = vi.spyOn(db, 'all');
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: false, now: new Date(start.getTime() + 30 * MINUTE) })).not.toBeNull();
    expect(all).not.toHaveBeenCalled(); // within the limit (and its minute of slack): from memory
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: false, now: new Date(start.getTime() + 32 * MINUTE) })).toBeNull();
    expect(all).toHaveBeenCalledTimes(1);
    await eventually(async () => (await db.prisma.session.count({ where: { tokenHash: hashOf(tokenOf()) } })) === 0); // tidied after the answer
  });

  it('a console active on another process keeps the session alive here: a remembered row that looks idle is read again', async () => {
    const policy = policyWithCache();
    const { db } = t.app.puente;
    const start = new Date();
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: false, now: start })).not.toBeNull();
    // Another process (no cache of ours) saw the person 20 minutes later and wrote last-seen.
    await renewSession(db, hashOf(tokenOf()), undefined, new Date(start.getTime() + 20 * MINUTE));
    const principal = await sessionPrincipal(db, tokenOf(), policy, { touch: false, now: new Date(start.getTime() + 40 * MINUTE) });
    expect(principal).toMatchObject({ user: { username: 'admin' } });
  });

  it('past its lifetime: refused from memory too', async () => {
    const policy = policyWithCache();
    const { db } = t.app.puente;
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: true })).not.toBeNull();
    expect(await sessionPrincipal(db, tokenOf(), policy, { touch: true, now: new Date(Date.now() + 13 * 3_600_000) })).toBeNull();
  });
});
