import fs from 'node:fs';
import path from 'node:path';
import { ModelName } from '../../server/db/generated/internal/prismaNamespaceBrowser.ts';
import type { TestApp } from './app.ts';
import { eventually } from './eventually.ts';

/**
 * What a refused request must leave alone (issue 13, "nothing is written by a refused request"):
 * every row of every table, and every file under the media store (its tmp folder included).
 */

// Sessions record activity, tokens their last use, the audit log refusals and presence open sockets, on purpose.
const MUTABLE_ON_REFUSAL = /^(Session|Audit|Presence)/i;
const BOOKKEEPING_FIELD = /^last(Used|Seen|Activity)/;

/** The media store's files, tmp included, as sorted relative paths. */
export function mediaFiles(t: TestApp): string[] {
  const dir = t.app.puente.media.dir;
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort();
}

export async function snapshot(t: TestApp): Promise<string> {
  const prisma = t.app.puente.db.prisma as unknown as Record<string, { findMany(args?: object): Promise<unknown[]> }>;
  const tables: Record<string, unknown> = {};
  for (const model of Object.values(ModelName)) {
    const delegate = prisma[model.charAt(0).toLowerCase() + model.slice(1)];
    tables[model] = MUTABLE_ON_REFUSAL.test(model) ? null : await delegate.findMany();
  }
  tables['(media files)'] = mediaFiles(t);
  return JSON.stringify(tables, (key, value) => (BOOKKEEPING_FIELD.test(key) ? undefined : typeof value === 'bigint' ? value.toString() : value));
}

/** The tables (or the media files) that differ, with the first differing row of each (a readable failure). */
export function changedTables(before: string, after: string) {
  const [a, b] = [JSON.parse(before), JSON.parse(after)] as Record<string, unknown[] | null>[];
  return Object.keys(a)
    .filter((table) => JSON.stringify(a[table]) !== JSON.stringify(b[table]))
    .map((table) => {
      const rows = [a[table] ?? [], b[table] ?? []];
      const i = rows[0].findIndex((row, n) => JSON.stringify(row) !== JSON.stringify(rows[1][n]));
      return { table, before: rows[0][i], after: rows[1][i === -1 ? rows[0].length : i] };
    });
}

/**
 * The outbox works in the background: a reply queued by an earlier run drains, a send's ack lands
 * 50 ms later, an unresponsive phone is retried. None of that is the next request's doing, so the
 * phone is made ready and those writes are let finish before the "refusal writes nothing" snapshot.
 */
export async function backgroundSettled(t: TestApp) {
  if (t.simulator.mode() !== 'ready') await t.simulator.setMode('ready');
  // Unlinked (a fuzzed logout), queued replies wait for a new link and nothing moves.
  const moving = t.simulator.state().state === 'ready' ? ['queued', 'sending', 'sent'] : ['sending', 'sent'];
  const busy = { delivery: { in: moving } };
  await eventually(async () => (await t.app.puente.db.prisma.message.count({ where: busy })) === 0, 30_000);
}
