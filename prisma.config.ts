import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

// The config file stops Prisma from reading .env; without a URL the CLI falls back to
// downloading a query engine, which fails offline with a misleading error.
const dataDir = process.env.DATA_DIR ?? 'data';
process.env.DATABASE_URL ??= `file:${path.resolve(dataDir, 'puente.db')}`;
fs.mkdirSync(dataDir, { recursive: true });

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  engine: 'js',
  experimental: { adapter: true },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL! });
  },
});
