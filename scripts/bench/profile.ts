import { Session } from 'node:inspector/promises';

/** Where CPU samples land, grouped by the component that owns the code. */
// Native frames have no URL; these names are better-sqlite3's and node:fs's bindings.
const SQLITE_NATIVE = new Set(['run', 'all', 'get', 'iterate', 'Statement', 'prepare', 'exec', 'pragma']);
const FS_NATIVE = new Set(['fsync', 'fdatasync', 'open', 'close', 'writeString', 'writeBuffer', 'mkdir']);

const COMPONENTS: [name: string, test: (url: string, fn: string) => boolean][] = [
  ['Prisma query compiler (WASM)', (url) => url.startsWith('wasm://') || url.includes('query_compiler')],
  ['Prisma client runtime (JS)', (url) => url.includes('@prisma/client/')],
  ['Prisma SQLite adapter + better-sqlite3 (JS)', (url) => url.includes('better-sqlite3')],
  ['SQLite native (statements, commits incl. WAL fsync)', (url, fn) => url === '' && SQLITE_NATIVE.has(fn)],
  ['simulator record (node:fs open/write/fsync/close)', (url, fn) => url === 'node:fs' || (url === '' && FS_NATIVE.has(fn))],
  ['garbage collector', (_, fn) => fn === '(garbage collector)'],
  ['idle (waiting on timers or I/O)', (_, fn) => fn === '(idle)'],
  ['Fastify', (url) => url.includes('fastify') || url.includes('light-my-request')],
  ['service code (server/)', (url) => url.includes('/server/')],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

/** Samples the CPU while `work` runs; returns each component's share of the samples, largest first. */
export async function profileShares(work: () => Promise<unknown>): Promise<{ name: string; share: number }[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as {
      profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    };
    const time = new Map<number, number>();
    profile.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const totals = new Map<string, number>();
    let all = 0;
    for (const node of profile.nodes) {
      const t = time.get(node.id) ?? 0;
      all += t;
      const owner = COMPONENTS.find(([, test]) => test(node.callFrame.url, node.callFrame.functionName))?.[0] ?? 'other (Node internals, tsx, libraries)';
      totals.set(owner, (totals.get(owner) ?? 0) + t);
    }
    return [...totals.entries()].map(([name, t]) => ({ name, share: t / all })).sort((a, b) => b.share - a.share);
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
