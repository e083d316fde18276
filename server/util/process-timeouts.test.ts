import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';

let t: TestApp | undefined;
afterEach(() => t?.close());

describe('socket timeouts (set by main.ts)', () => {
  it('reach the HTTP server the app listens with', async () => {
    t = await buildTestApp({}, { timeouts: { connectionTimeout: 120_000, requestTimeout: 60_000, keepAliveTimeout: 72_000 } });
    expect(t.app.server.timeout).toBe(120_000);
    expect(t.app.server.requestTimeout).toBe(60_000);
    expect(t.app.server.keepAliveTimeout).toBe(72_000);
  });
});
