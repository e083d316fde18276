import fs from 'node:fs';
import type { MediaFs } from '../../server/media/store.ts';

type Fault = 'ENOSPC' | 'EROFS' | null;

/**
 * The media store's file system with a switch: `fail('ENOSPC')` makes every write run out of
 * space after a few bytes land (as a full disk does), `fail('EROFS')` refuses to create files (as a
 * read-only mount does); `heal()` lets writes through again. Tests run as root, for whom chmod
 * stops nothing, and a real full disk would hit every other helper on the machine.
 */
export function faultyFs() {
  let fault: Fault = null;
  const error = (code: Exclude<Fault, null>, call: string, target: string) =>
    Object.assign(new Error(`${code}: ${code === 'ENOSPC' ? 'no space left on device' : 'read-only file system'}, ${call} '${target}'`), { code, syscall: call, path: target });
  const media: MediaFs = {
    async open(target, flags, mode) {
      if (fault === 'EROFS') throw error('EROFS', 'open', String(target));
      const handle = await fs.promises.open(target, flags, mode);
      if (fault !== 'ENOSPC') return handle;
      // A full disk takes the first bytes and then refuses the rest.
      const writeFile = async (data: Uint8Array) => {
        await handle.write(Buffer.from(data).subarray(0, 16));
        throw error('ENOSPC', 'write', String(target));
      };
      return Object.assign(Object.create(handle), { writeFile, sync: () => handle.sync(), close: () => handle.close() });
    },
    rename: (from, to) => (fault === 'EROFS' ? Promise.reject(error('EROFS', 'rename', String(from))) : fs.promises.rename(from, to)),
    rm: (target, options) => fs.promises.rm(target, options),
  };
  return {
    fs: media,
    fail(next: Exclude<Fault, null>) {
      fault = next;
    },
    heal() {
      fault = null;
    },
  };
}
