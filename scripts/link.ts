/**
 * `npm run link`: links the WhatsApp number from a terminal, with the same DATA_DIR, SESSION_DIR
 * and CHROME_PATH the service uses, so the service starts already linked. Exits 0 once WhatsApp
 * is ready (the session is saved), 1 when it is unlinked, fails or times out, 78 on bad config.
 * Stop the service first: one session can be open in only one Chromium.
 */
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../server/config.ts';
import { printQr } from '../server/whatsapp/qr-terminal.ts';
import { chromiumOwner } from '../server/whatsapp/wwebjs-chromium.ts';
import { createWwebjsDriver, killOrphanChromium } from '../server/whatsapp/wwebjs.ts';

const LINK_TIMEOUT_MS = Number(process.env.LINK_TIMEOUT_MS) || 5 * 60_000;
// WhatsApp Web keeps writing the new session to its profile for a moment after `ready`.
const SETTLE_MS = 5_000;

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  const config = readConfig();
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  await killOrphanChromium(config.dataDir, logger);
  const owner = chromiumOwner(config.dataDir);
  if (owner) {
    say(`La sesión de ${config.sessionDir} está abierta por otro proceso (pid ${owner}): detenga el servicio y vuelva a intentarlo, o vincule desde la consola.`);
    process.exit(1);
  }

  // activeChats: none, so linking does not read the chats to catch up on messages.
  const driver = createWwebjsDriver({ sessionDir: config.sessionDir, chromePath: config.CHROME_PATH, dataDir: config.dataDir, logger, activeChats: async () => [] });
  let finishing = false;
  const finish = async (code: number, line: string) => {
    if (finishing) return;
    finishing = true;
    say(line);
    if (code === 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await driver.disconnect();
    process.exit(code);
  };

  driver.onState((change) => {
    if (change.state === 'qr' && change.qr) printQr(change.qr);
    if (change.state === 'authenticating') say('Código aceptado; cargando WhatsApp…');
    if (change.state === 'ready') void finish(0, `WhatsApp quedó vinculado; la sesión se guardó en ${config.sessionDir}.`);
    if (change.state === 'disconnected' || change.state === 'logged_out') void finish(1, `No se pudo vincular: ${change.reason ?? change.state}`);
  });
  setTimeout(() => void finish(1, `No se vinculó en ${Math.round(LINK_TIMEOUT_MS / 1000)} s; vuelva a intentarlo.`), LINK_TIMEOUT_MS);
  process.on('SIGINT', () => void finish(130, 'Cancelado.'));
  process.on('SIGTERM', () => void finish(143, 'Cancelado.'));

  say(`Abriendo WhatsApp Web (sesión en ${config.sessionDir})…`);
  await driver.connect();
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    say(err.message);
    process.exit(78); // EX_CONFIG, as the service
  }
}

await main();
