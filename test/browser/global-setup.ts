import path from 'node:path';
import { build } from 'vite';

/** The service serves dist/console only if it exists when it starts: build it before any test. */
export default async function setup() {
  await build({ configFile: path.resolve(import.meta.dirname, '../../vite.config.ts'), logLevel: 'warn' });
}
