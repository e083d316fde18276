import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Where the test suite finds the throwaway cluster that vitest.postgres.config.ts started. */
export const CLUSTER_ENV = 'PUENTE_TEST_POSTGRES';

export interface Cluster {
  /** URL of the cluster's maintenance database, as superuser `postgres`. */
  url: string;
  stop(): void;
}

/** Debian installs each major version under /usr/lib/postgresql/N/bin; take the newest. */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('PostgreSQL not installed: apt-get install postgresql (or set PG_BIN)');
  return path.join(root, versions[0], 'bin');
}

/**
 * initdb + pg_ctl in a temp dir on a spare port. PostgreSQL refuses to run as root, and CI runs
 * as root, so then the cluster belongs to user `postgres`. Durability is off: the data is thrown
 * away at the end, and fsyncs would only slow the suite; `durable` keeps PostgreSQL's defaults
 * (fsync, synchronous_commit), as the benchmark needs to compare like with like.
 */
export async function startCluster(options: { durable?: boolean } = {}): Promise<Cluster> {
  const bin = postgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-pg-'));
  const asOwner = ownerRunner(dir);
  const data = path.join(dir, 'data');
  const port = await sparePort();
  asOwner(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const unsafe = options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
  const settings = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", ...unsafe, '-c max_connections=300'];
  asOwner(path.join(bin, 'pg_ctl'), ['-D', data, '-o', settings.join(' '), '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asOwner(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function ownerRunner(dir: string): (cmd: string, args: string[]) => void {
  if (process.getuid?.() !== 0) return (cmd, args) => void execFileSync(cmd, args, { stdio: 'pipe' });
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  fs.chownSync(dir, uid, gid);
  return (cmd, args) => void execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe', cwd: dir });
}

function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The running cluster's URL (from vitest.postgres.config.ts), or null outside that run. */
export function clusterUrl(): string | null {
  return process.env[CLUSTER_ENV] ?? null;
}

/** A new empty database on the test cluster; each test app gets its own, like its own SQLite file. */
export async function freshDatabase(): Promise<string> {
  const base = clusterUrl();
  if (!base) throw new Error(`${CLUSTER_ENV} is not set: run through npm run test:postgres`);
  return createDatabase(base, `puente_${randomBytes(6).toString('hex')}`);
}

/** Creates database `name` on the cluster at `clusterUrl` and gives its URL. */
export async function createDatabase(clusterUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
