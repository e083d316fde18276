import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { WhatsAppDriver } from './driver.ts';
import { SimulatorDriver } from './simulator.ts';
import type { SimulatedPhone } from './simulator-phone.ts';

export interface DriverHooks {
  /** When the last message from this phone was stored, so a reconnect fetches only what is newer. */
  lastInboundAt(phone: string): Promise<Date | null>;
  /** When the last message from anyone was stored: a new contact's newer messages were missed. */
  lastInboundAnyAt?(): Promise<Date | null>;
  /** The simulator's phone when several processes share it (PostgreSQL); else a file in DATA_DIR. */
  simulatorPhone?: SimulatedPhone;
}

/**
 * The factory that picks the driver from WHATSAPP_DRIVER. whatsapp-web.js (and with it
 * puppeteer) is loaded only when it is used, so the simulator starts without it.
 */
export async function selectDriver(config: Config, log: Logger, hooks: DriverHooks): Promise<WhatsAppDriver> {
  if (config.WHATSAPP_DRIVER === 'simulator') return new SimulatorDriver(config.dataDir, hooks.simulatorPhone);
  const { createWwebjsDriver, killOrphanChromium } = await import('./wwebjs.ts');
  const { createSupervisor } = await import('./supervisor.ts');
  await killOrphanChromium(config.dataDir, log);
  return createSupervisor({
    logger: log,
    makeDriver: () =>
      createWwebjsDriver({
        sessionDir: config.sessionDir,
        chromePath: config.CHROME_PATH,
        dataDir: config.dataDir,
        logger: log,
        lastInboundAt: hooks.lastInboundAt,
        newContactsSince: hooks.lastInboundAnyAt,
      }),
  });
}
