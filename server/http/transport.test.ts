import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, buildTestApp, type TestApp } from '../../test/support/app.ts';

// Over plain HTTP, HSTS or upgrade-insecure-requests blank the console (its assets are fetched
// over https) and a Secure cookie is dropped; over TLS all three belong.
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function probe(env: Record<string, string>, headers: Record<string, string> = {}) {
  t = await buildTestApp(env);
  const page = await t.app.inject({ method: 'GET', url: '/healthz', headers });
  const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: ADMIN });
  return {
    hsts: page.headers['strict-transport-security'],
    csp: String(page.headers['content-security-policy']),
    secureCookie: login.cookies.find((c) => c.name === 'puente_sesion')?.secure ?? false,
  };
}

describe('headers that fit the transport', () => {
  it('plain HTTP: no HSTS, no upgrade-insecure-requests, cookie without Secure', async () => {
    const answer = await probe({});
    expect(answer.hsts).toBeUndefined();
    expect(answer.csp).toContain("default-src 'self'");
    expect(answer.csp).not.toContain('upgrade-insecure-requests');
    expect(answer.secureCookie).toBe(false);
  });

  it('ignores X-Forwarded-Proto unless TRUST_PROXY=on', async () => {
    const answer = await probe({}, { 'x-forwarded-proto': 'https' });
    expect(answer.hsts).toBeUndefined();
    expect(answer.csp).not.toContain('upgrade-insecure-requests');
    expect(answer.secureCookie).toBe(false);
  });

  it('behind a trusted TLS proxy: HSTS, upgrade-insecure-requests, Secure cookie', async () => {
    const answer = await probe({ TRUST_PROXY: 'on' }, { 'x-forwarded-proto': 'https' });
    expect(answer.hsts).toMatch(/^max-age=\d+/);
    expect(answer.csp).toContain("default-src 'self'");
    expect(answer.csp).toContain('upgrade-insecure-requests');
    expect(answer.secureCookie).toBe(true);
  });

  it('a trusted proxy forwarding plain http gets the plain-HTTP answer', async () => {
    const answer = await probe({ TRUST_PROXY: 'on' }, { 'x-forwarded-proto': 'http' });
    expect(answer.hsts).toBeUndefined();
    expect(answer.secureCookie).toBe(false);
  });

  it('COOKIE_SECURE=on states https everywhere', async () => {
    const answer = await probe({ COOKIE_SECURE: 'on' });
    expect(answer.hsts).toMatch(/^max-age=\d+/);
    expect(answer.csp).toContain('upgrade-insecure-requests');
    expect(answer.secureCookie).toBe(true);
  });
});
