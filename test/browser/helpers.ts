import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { adminClient, startService, type Client, type RunningService, type StartOptions } from '../support/service.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** One poll period (5 s) plus room for the request itself. */
export const ONE_POLL_MS = 7000;

export async function login(page: Page, service: RunningService, credentials = service.admin) {
  await page.goto(service.url);
  await page.getByLabel('Usuario').fill(credentials.username);
  await page.getByLabel('Contraseña').fill(credentials.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
}

export function row(page: Page, ticketId: number): Locator {
  return page.getByTestId(`ticket-row-${ticketId}`);
}

/** Waits for a condition the browser cannot see (the simulator's record), checking often. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface SimSent {
  to: string;
  body: string;
  id: string;
  at: string;
}

export async function sentTo(api: Client, phone: string): Promise<SimSent[]> {
  const records: SimSent[] = await (await api('/api/simulator/sent')).json();
  return records.filter((record) => record.to === phone);
}

export async function createTicket(api: Client, body: Record<string, unknown>): Promise<{ id: number; numero: string; phone: string }> {
  const response = await api('/api/tickets', { body });
  if (response.status !== 201) throw new Error(`ticket not created: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function createTechnician(service: RunningService) {
  const api = await adminClient(service);
  const user = { username: 'tecnica', password: 'clave-de-prueba-123', role: 'tecnico', displayName: 'Ana Técnica' };
  const response = await api('/api/users', { body: user });
  if (response.status !== 201) throw new Error(`user not created: ${response.status} ${await response.text()}`);
  return { username: user.username, password: user.password };
}

/** Which element has focus, described by its accessible bits. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? `${el.tagName.toLowerCase()}|${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}` : '';
  });
}

/** Uncaught errors of the page, so a test fails on a console that broke while it looked fine. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Moves a ticket's creation back in the service's own database, as an import of an older ticket would. */
export function createdAgo(service: RunningService, ticketId: number, ms: number) {
  const db = new Database(path.join(service.dataDir, 'puente.db'), { timeout: 5000 });
  try {
    db.prepare('UPDATE Ticket SET createdAt = ? WHERE id = ?').run(new Date(Date.now() - ms).toISOString().replace('Z', '+00:00'), ticketId);
  } finally {
    db.close();
  }
}

export interface ServiceAndBrowser {
  service: RunningService;
  browser: Browser;
}

/**
 * The file's service and Chromium: started together before its tests, closed after them. Read
 * them through the handle (`shared.service`, `shared.browser`) inside hooks and tests.
 */
export function useServiceAndBrowser(options: StartOptions = {}): ServiceAndBrowser {
  const shared = {} as ServiceAndBrowser;
  beforeAll(async () => {
    [shared.service, shared.browser] = await Promise.all([startService(options), launchBrowser()]);
  });
  afterAll(async () => {
    await shared.browser?.close();
    await shared.service?.stop();
  });
  return shared;
}
