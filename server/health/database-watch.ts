import type { Db } from '../db/database.ts';
import { databaseFaultOf } from '../db/faults.ts';
import type { Health } from './health.ts';

/**
 * The database as every part of the service uses it, with each write telling the health detail
 * how it went: a busy or failing database sets `base_de_datos`, the next write that commits clears it.
 */
export function watchDatabase(db: Db, health: Pick<Health, 'databaseFailed' | 'databaseWorks'>): Db {
  const watched = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      const result = await work();
      health.databaseWorks();
      return result;
    } catch (err) {
      const fault = databaseFaultOf(err);
      if (fault) health.databaseFailed(fault);
      throw err;
    }
  };
  return {
    ...db,
    write: (work) => watched(() => db.write(work)),
    writeNow: (work, options) => watched(() => db.writeNow(work, options)),
    pgWrite: (work, options) => watched(() => db.pgWrite(work, options)),
    run: (statement, params) => watched(() => db.run(statement, params)),
  };
}
