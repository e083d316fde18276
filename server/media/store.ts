import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The file-system calls a write goes through: tests hand in one that fails like a full or read-only disk. */
export type MediaFs = Pick<typeof fs.promises, 'open' | 'rename' | 'rm'>;

/** What a write says about the disk: a fault (full, read-only) or that it works again. */
export interface StorageObserver {
  storageFailed(fault: StorageFault): void;
  storageWorks(): void;
}

export type StorageFault = 'lleno' | 'solo_lectura';

/** A write the disk refused for a reason that is the disk's, not the file's: full or read-only. */
export class StorageError extends Error {
  constructor(readonly fault: StorageFault, options: { cause: unknown }) {
    super(fault === 'lleno' ? 'media storage full' : 'media storage read-only', options);
    this.name = 'StorageError';
  }
}

/** ENOSPC/EDQUOT: no room; EROFS/EACCES/EPERM: the folder cannot be written. Anything else is a bug. */
export function storageFaultOf(err: unknown): StorageFault | null {
  switch ((err as { code?: string } | null)?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'lleno';
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'solo_lectura';
  }
  return null;
}

export interface MediaStoreOptions {
  fs?: MediaFs;
  observer?: StorageObserver;
}

/**
 * Files by content: each is named by the sha256 of its bytes, so the same file stored twice is
 * one copy, and a name can never point into another folder. Writes go to a temporary file that
 * is fsynced and then renamed, so a crash leaves either the whole file or only a temporary one.
 */
export class MediaStore {
  readonly dir: string;
  private readonly tmpDir: string;
  readonly #fs: MediaFs;
  readonly #observer: StorageObserver | undefined;

  constructor(dir: string, options: MediaStoreOptions = {}) {
    this.dir = path.resolve(dir);
    this.tmpDir = path.join(this.dir, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.#fs = options.fs ?? fs.promises;
    this.#observer = options.observer;
  }

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.dir, sha256);
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  /**
   * Stores the bytes durably and returns their sha256 (the name they are stored under). A full or
   * read-only disk throws a StorageError and leaves nothing behind (the temporary file is removed).
   */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = MediaStore.sha256(bytes);
    const final = this.pathOf(sha256);
    if (fs.existsSync(final)) return sha256;
    await this.#write(path.join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`), bytes, final);
    return sha256;
  }

  /** Writes and removes a small file: true when the disk takes writes again (clears the fault). */
  async probe(): Promise<boolean> {
    const tmp = path.join(this.tmpDir, `probe.${randomBytes(6).toString('hex')}`);
    try {
      await this.#write(tmp, Buffer.from('puente'));
      await this.#fs.rm(tmp, { force: true });
      return true;
    } catch (err) {
      if (err instanceof StorageError) return false;
      throw err;
    }
  }

  async #write(tmp: string, bytes: Uint8Array, final?: string): Promise<void> {
    try {
      const handle = await this.#fs.open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (final) {
        await this.#fs.rename(tmp, final);
        await syncDir(this.dir);
      }
    } catch (err) {
      await this.#fs.rm(tmp, { force: true }).catch(() => undefined);
      const fault = storageFaultOf(err);
      if (!fault) throw err;
      this.#observer?.storageFailed(fault);
      throw new StorageError(fault, { cause: err });
    }
    this.#observer?.storageWorks();
  }

  /** Removes a stored file (a no-op when it is already gone). */
  async remove(sha256: string): Promise<void> {
    await fs.promises.rm(this.pathOf(sha256), { force: true });
  }

  /**
   * At start: drops temporary files a crash left behind and every stored file no row refers to,
   * so storage holds only what the history can reach. Returns what it removed.
   */
  async sweep(referenced: Set<string>): Promise<{ temporary: number; orphans: number }> {
    const temporary = await fs.promises.readdir(this.tmpDir);
    for (const name of temporary) await fs.promises.rm(path.join(this.tmpDir, name), { force: true });
    let orphans = 0;
    for (const name of await fs.promises.readdir(this.dir)) {
      if (!SHA256_HEX.test(name) || referenced.has(name)) continue;
      await fs.promises.rm(path.join(this.dir, name), { force: true });
      orphans++;
    }
    return { temporary: temporary.length, orphans };
  }
}

/** The rename is durable only once the folder's entry is on disk too. */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
