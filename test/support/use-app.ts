import { afterEach, beforeEach } from 'vitest';
import { buildTestApp, type AppOptions, type TestApp } from './app.ts';

/**
 * A fresh test app for every test of the file (buildTestApp before each, closed after each),
 * behind one handle that always reaches the current test's app: `const t = useTestApp();` then
 * `t.app.inject(…)`, `createTicket(t, …)`. A test that needs another configuration (or a
 * restart on the same data dir) closes the app and hands over the next: `t.replace(await
 * buildTestApp(…))`, closed after the test like the first. Its own file because the benchmarks
 * import app.ts outside vitest.
 */
export function useTestApp(env: Record<string, string> = {}, options: AppOptions & { dataDir?: string } = {}): TestApp & { replace(next: TestApp): void } {
  let current: TestApp | undefined;
  beforeEach(async () => {
    current = await buildTestApp(env, options);
  });
  afterEach(async () => {
    const closing = current;
    current = undefined;
    await closing?.close();
  });
  const now = () => {
    if (!current) throw new Error('useTestApp: the app exists only while a test runs');
    return current;
  };
  return {
    get app() {
      return now().app;
    },
    get dataDir() {
      return now().dataDir;
    },
    get admin() {
      return now().admin;
    },
    get simulator() {
      return now().simulator;
    },
    close: () => now().close(),
    replace(next: TestApp) {
      current = next;
    },
  };
}
