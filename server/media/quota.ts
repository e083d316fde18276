import type { Db } from '../db/database.ts';
import { storageTotal } from '../messages/attachments.ts';
import { MediaStore } from './store.ts';

/**
 * The store's bound (MEDIA_MAX_MB): a new file is refused when it would take the total past it.
 * The total is what the rows refer to (each stored file once), the figure the WhatsApp page shows.
 * Two uploads checked at the same moment can both pass, so the bound may be passed by one file.
 */
export class StorageQuota {
  constructor(
    private readonly db: Db,
    private readonly store: MediaStore,
    readonly limitBytes: number,
  ) {}

  /** True when the bytes may be stored: already there (same content), or room left for them. */
  async fits(bytes: Uint8Array): Promise<boolean> {
    if (this.store.has(MediaStore.sha256(bytes))) return true;
    const { bytes: used } = await storageTotal(this.db);
    return used + bytes.length <= this.limitBytes;
  }
}
