// npm run backup
// An online copy of the running installation into BACKUP_DIR (default ./backups), one folder per
// run named after the UTC time: SQLite through VACUUM INTO plus the media folder; on
// PostgreSQL, pg_dump when it is installed (else the command is printed) plus the media folder.
// Restore: stop the service, put puente.db (or pg_restore the dump) and media/ into DATA_DIR.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../server/config.ts';
import { backupFolder, backupSqlite, copyMedia, pgDumpCommand } from '../server/db/backup.ts';
import { isPostgresUrl } from '../server/db/database.ts';

const config = loadConfig();
const backupDir = path.resolve(process.env.BACKUP_DIR ?? 'backups');
try {
  if (isPostgresUrl(config.databaseUrl)) {
    const dir = backupFolder(backupDir);
    const command = pgDumpCommand(config.databaseUrl, dir);
    const run = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
    if (run.error) {
      console.log(`pg_dump no está instalado; copia la base con:\n  ${command.join(' ')}`);
    } else if (run.status !== 0) {
      console.error(`pg_dump terminó con el código ${run.status}`);
      process.exit(1);
    }
    const files = copyMedia(config.mediaDir, path.join(dir, 'media'));
    console.log(`copia en ${dir}: ${files} archivos de media`);
  } else {
    const result = backupSqlite(config.databaseUrl, config.mediaDir, backupDir);
    console.log(`copia en ${result.dir}: base de datos ${path.basename(result.database)}, ${result.mediaFiles} archivos de media`);
  }
} catch (err) {
  console.error(`la copia falló: ${(err as Error).message}`);
  process.exit(1);
}
