import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Files by content: each is named by the sha256 of its bytes, so the same file stored twice is
 * one copy, and a name can never point into another folder. Writes go to a temporary file that
 * is fsynced and then renamed, so a crash leaves either the whole file or only a temporary one.
 */
export class MediaStore {
  readonly dir: string;
  private readonly tmpDir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.tmpDir = path.join(this.dir, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
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

  /** Stores the bytes durably and returns their sha256 (the name they are stored under). */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = MediaStore.sha256(bytes);
    const final = this.pathOf(sha256);
    if (fs.existsSync(final)) return sha256;
    const tmp = path.join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
    const handle = await fs.promises.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, final);
    await syncDir(this.dir);
    return sha256;
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
