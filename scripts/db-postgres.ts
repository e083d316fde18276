// npm run db:postgres — writes prisma/postgres/schema.prisma from the one source
// (prisma/schema.prisma), its PostgreSQL migration when the schema changed, and its client.
//
// One generated Prisma client serves one provider, so PostgreSQL gets a second client in
// server/db/generated-pg. `prisma migrate deploy` fails on the pg adapter (prisma/orm#27403):
// migrations are plain SQL applied by our own runner (server/db/migrate-postgres.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POSTGRES_SCHEMA, postgresSchema } from '../server/db/postgres-schema.ts';

const root = path.resolve(import.meta.dirname, '..');
const sqliteMigrations = path.join(root, 'prisma/migrations');
const pgMigrations = path.join(root, 'prisma/postgres/migrations');
const prisma = path.join(root, 'node_modules/.bin/prisma');

const previous = fs.existsSync(POSTGRES_SCHEMA) ? fs.readFileSync(POSTGRES_SCHEMA, 'utf8') : null;
const next = postgresSchema(fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8'));
fs.mkdirSync(pgMigrations, { recursive: true });

// The migration is the diff from the last committed PostgreSQL schema to the new one, named
// after the newest SQLite migration so both folders tell the same history.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-pg-schema-'));
const nextFile = path.join(scratch, 'next.prisma');
fs.writeFileSync(nextFile, next);
const from = previous === null ? ['--from-empty'] : ['--from-schema-datamodel', writeTemp('previous.prisma', previous)];
const sql = execFileSync(prisma, ['migrate', 'diff', ...from, '--to-schema-datamodel', nextFile, '--script'], {
  cwd: root,
  encoding: 'utf8',
});
if (!/^-- This is an empty migration\.\s*$/.test(sql.trim()) && sql.trim() !== '') {
  const latest = fs.readdirSync(sqliteMigrations).filter((n) => /^\d+_/.test(n)).sort().at(-1)!;
  // Two schema changes under one SQLite migration name get a second folder: what ran is never rewritten.
  let name = latest;
  for (let n = 2; fs.existsSync(path.join(pgMigrations, name)); n++) name = `${latest}_${n}`;
  fs.mkdirSync(path.join(pgMigrations, name));
  fs.writeFileSync(path.join(pgMigrations, name, 'migration.sql'), sql);
  console.log(`prisma/postgres/migrations/${name}/migration.sql`);
}
fs.writeFileSync(POSTGRES_SCHEMA, next);
fs.rmSync(scratch, { recursive: true, force: true });
// generate wants a URL of the schema's own provider, or it falls back to downloading an engine;
// migrate diff above wants the config's SQLite one. Neither connects.
execFileSync(prisma, ['generate', '--schema', POSTGRES_SCHEMA], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: 'postgresql://localhost/puente' },
});

function writeTemp(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
}
