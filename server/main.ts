import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { puenteApp, serverOptions } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createServices } from './services.ts';

/** The process: read config, make the server (logger, limits, timeouts), listen, stop on a signal. */
async function main() {
  const config = readConfigOrExit();
  const app = Fastify({
    ...serverOptions(config),
    ...socketTimeouts(config),
    logger: {
      level: config.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
  });
  await app.register(puenteApp, { services: await createServices(config, app.log as Logger) });
  announceFirstAdmin(app.puente.firstAdmin);
  if (config.WHATSAPP_DRIVER === 'wwebjs') await printQrCodesInTerminal(app);
  closeOnSignals(app);
  // whatsapp-web.js runs some work in callbacks nobody awaits; one failing must not end the service.
  process.on('unhandledRejection', (err) => app.log.error({ err }, 'unhandled rejection'));
  await app.listen({ host: config.HOST, port: config.PORT });
}

/**
 * Node sets no idle limit on a connection by default: a client that opens sockets and goes quiet
 * (or sends its request a byte at a time) would hold them forever. A reply waits up to
 * SEND_TIMEOUT_MS for WhatsApp with the socket silent, so the idle limit leaves room for that; a
 * request must arrive whole within a minute (a 10 MB file on a slow line included). WebSocket
 * upgrades leave these limits (ws clears the socket's timeout).
 */
function socketTimeouts(config: Config) {
  return {
    connectionTimeout: Math.max(120_000, config.SEND_TIMEOUT_MS * 2),
    requestTimeout: 60_000,
    keepAliveTimeout: 72_000,
  };
}

function readConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/** A generated password is shown once, on the terminal, and never written to the logs. */
function announceFirstAdmin(admin: { username: string; password: string; generated: boolean } | null) {
  if (!admin?.generated) return;
  process.stderr.write(
    `\n  Cuenta de administrador creada\n  usuario:    ${admin.username}\n  contraseña: ${admin.password}\n  (se muestra solo esta vez)\n\n`,
  );
}

async function printQrCodesInTerminal(app: FastifyInstance) {
  const { printQr } = await import('./whatsapp/qr-terminal.ts');
  app.puente.tracker.onChange((status) => {
    if (status.state === 'qr' && status.qr) printQr(status.qr);
  });
}

function closeOnSignals(app: FastifyInstance) {
  let closing = false;
  const close = async (signal: string) => {
    if (closing) process.exit(1); // a second signal means: stop now
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));
}

await main();
