import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migratePostgres } from './migrate-postgres.ts';

export interface TableCount {
  table: string;
  sqlite: number;
  postgres: number;
}

const SQLITE_MIGRATIONS = path.resolve(import.meta.dirname, '../../prisma/migrations');

/**
 * Copies an SQLite installation into an empty PostgreSQL database: migrates the target, copies
 * every table parents first in one transaction (a failure leaves the target as it was), moves
 * each id sequence past the copied ids, and answers both sides' row counts, read after the
 * commit. Throws when the target already holds data or the source is not fully migrated.
 */
export async function copyToPostgres(sqliteFile: string, postgresUrl: string): Promise<TableCount[]> {
  if (!fs.existsSync(sqliteFile)) throw new Error(`no existe ${sqliteFile}`);
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    requireMigrated(source);
    const tables = parentsFirst(source);
    await migratePostgres(postgresUrl);
    const target = new pg.Client({ connectionString: postgresUrl });
    await target.connect();
    try {
      // Migrations seed some tables (the default categories): only accounts and tickets mean "in use".
      for (const table of ['User', 'Ticket'].filter((name) => tables.includes(name))) {
        const { rows } = await target.query(`SELECT EXISTS (SELECT 1 FROM "${table}") AS any`);
        if (rows[0].any) throw new Error(`la base PostgreSQL ya tiene datos en ${table}: la copia solo va a una base vacía`);
      }
      await target.query('BEGIN');
      try {
        // What the migrations seeded gives way to the source's own rows.
        for (const table of [...tables].reverse()) await target.query(`DELETE FROM "${table}"`);
        for (const table of tables) await copyTable(source, target, table);
        await target.query('COMMIT');
      } catch (err) {
        await target.query('ROLLBACK');
        throw err;
      }
      const counts: TableCount[] = [];
      for (const table of tables) {
        const { n } = source.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number };
        const { rows } = await target.query(`SELECT count(*)::int AS n FROM "${table}"`);
        counts.push({ table, sqlite: n, postgres: rows[0].n });
      }
      return counts;
    } finally {
      await target.end();
    }
  } finally {
    source.close();
  }
}

function requireMigrated(source: Database.Database): void {
  const applied = new Set(
    (source.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL').all() as { migration_name: string }[]).map(
      (row) => row.migration_name,
    ),
  );
  const missing = fs
    .readdirSync(SQLITE_MIGRATIONS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !applied.has(entry.name));
  if (missing.length) throw new Error(`la base SQLite no está al día (${missing[0]!.name}): arranca el servicio una vez sobre ella`);
}

/** The product's tables, each after the tables its foreign keys point at. */
function parentsFirst(source: Database.Database): string[] {
  const tables = (
    source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'").all() as {
      name: string;
    }[]
  ).map((row) => row.name);
  const parents = new Map(
    tables.map((table) => [table, (source.prepare(`PRAGMA foreign_key_list("${table}")`).all() as { table: string }[]).map((fk) => fk.table)]),
  );
  const ordered: string[] = [];
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table) || path.includes(table)) return;
    for (const parent of parents.get(table) ?? []) if (parent !== table) visit(parent, [...path, table]);
    ordered.push(table);
  };
  for (const table of tables.sort()) visit(table, []);
  return ordered;
}

async function copyTable(source: Database.Database, target: pg.Client, table: string): Promise<void> {
  const columns = (source.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
  const types = await columnTypes(target, table);
  const quoted = columns.map((c) => `"${c}"`).join(', ');
  // PostgreSQL takes at most 65,535 parameters a statement.
  const batch = Math.max(1, Math.floor(30_000 / columns.length));
  let rows: Record<string, unknown>[] = [];
  const flush = async () => {
    if (!rows.length) return;
    const values: unknown[] = [];
    const tuples = rows.map((row) => `(${columns.map((c) => `$${values.push(toPostgres(row[c], types.get(c)))}`).join(', ')})`);
    await target.query(`INSERT INTO "${table}" (${quoted}) VALUES ${tuples.join(', ')}`, values);
    rows = [];
  };
  for (const row of source.prepare(`SELECT ${quoted} FROM "${table}" ORDER BY rowid`).iterate() as Iterable<Record<string, unknown>>) {
    rows.push(row);
    if (rows.length >= batch) await flush();
  }
  await flush();
  if (types.get('id') === 'integer') {
    await target.query(
      `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "${table}"`,
    );
  }
}

async function columnTypes(target: pg.Client, table: string): Promise<Map<string, string>> {
  const { rows } = await target.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1',
    [table],
  );
  return new Map(rows.map((row) => [row.column_name, row.data_type]));
}

/** SQLite keeps booleans as 0/1 and Prisma's DateTime as ISO-8601 text (UTC) or epoch milliseconds. */
function toPostgres(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return Boolean(value);
  if (type?.startsWith('timestamp') && typeof value === 'number') return new Date(value).toISOString();
  if (type?.startsWith('timestamp') && typeof value === 'string') return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`).toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}
