import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../test/support/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { SimulatorDriver } from '../../server/whatsapp/simulator.ts';
import type { Pragmas } from './baseline-db.ts';
import { waitFor } from './stats.ts';

/** The real app built in this process (not listening), for the in-process measurements. */
export interface Lab {
  app: FastifyInstance;
  simulator: SimulatorDriver;
  adminId: number;
  pragmas: Pragmas;
  /** Waits until the outbox is empty and the simulator's delayed acks have been applied. */
  settle(): Promise<void>;
}

export async function openLab(dir: string): Promise<Lab> {
  const config = loadConfig({
    DATA_DIR: dir,
    WHATSAPP_DRIVER: 'simulator',
    ADMIN_USERNAME: 'bench',
    ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    SEND_RATE_PER_MINUTE: '1000000',
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp(config, { logger: false });
  await app.ready();
  const { prisma } = app.puente.db;
  const [journal] = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
  const [sync] = await prisma.$queryRawUnsafe<{ synchronous: bigint | number }[]>('PRAGMA synchronous');
  const admin = await prisma.user.findFirstOrThrow({ where: { username: 'bench' } });
  return {
    app,
    simulator: app.puente.driver as SimulatorDriver,
    adminId: admin.id,
    pragmas: { journal_mode: journal.journal_mode, synchronous: Number(sync.synchronous) },
    async settle() {
      await waitFor(() => app.puente.outbox.pending() === 0, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 250)); // the simulator acks 50 ms after a send
    },
  };
}
