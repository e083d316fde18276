// npm run db:copy-to-postgres -- [SQLITE_FILE] POSTGRES_URL
// Copies an existing SQLite installation into an empty PostgreSQL database and checks that every
// table has the same number of rows on both sides (exit 1 when not). Stop the service first.
import path from 'node:path';
import { copyToPostgres } from '../server/db/copy-to-postgres.ts';
import { databaseFile } from '../server/db/database.ts';

const args = process.argv.slice(2);
const target = args.pop();
const file = args[0] ?? databaseFile(`file:${path.join(process.env.DATA_DIR ?? 'data', 'puente.db')}`);
if (!target || !/^postgres(ql)?:\/\//.test(target)) {
  console.error('uso: npm run db:copy-to-postgres -- [archivo.db] postgresql://usuario@servidor/base');
  process.exit(64);
}
try {
  const counts = await copyToPostgres(file, target);
  for (const row of counts) console.log(`${row.table.padEnd(20)} sqlite ${String(row.sqlite).padStart(9)}  postgresql ${String(row.postgres).padStart(9)}`);
  const wrong = counts.filter((row) => row.sqlite !== row.postgres);
  if (wrong.length) {
    console.error(`las cuentas no coinciden en ${wrong.map((row) => row.table).join(', ')}`);
    process.exit(1);
  }
  console.log(`copia completa de ${file}: las cuentas coinciden`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
