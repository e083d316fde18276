import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../server/config.ts';

/**
 * The service's settings every benchmark runs it with: simulator driver, a throwaway admin, no
 * send pacing, no logs, data in `dir`. `extra` adds or overrides (DATABASE_URL, SESSION_CACHE_MS).
 */
export function benchConfig(dir: string, extra: Record<string, string> = {}) {
  const admin = { username: 'bench', password: randomBytes(12).toString('base64url') };
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dir,
    WHATSAPP_DRIVER: 'simulator',
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    SEND_RATE_PER_MINUTE: '1000000',
    LOG_LEVEL: 'silent',
    ...extra,
  });
  return { admin, config };
}
