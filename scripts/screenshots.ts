/**
 * `npm run screenshots`: builds the console, starts the service with the WhatsApp simulator,
 * seeds a few tickets through the API, and saves PNGs of the ticket table, an open chat with an
 * internal note, Estadísticas, WhatsApp, Cuentas, the chat in dark mode and the phone sandbox to
 * docs/screenshots/ (the README shows them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { eventually, launchBrowser, login, row } from '../test/browser/helpers.ts';
import { adminClient, startService, type Client } from '../test/support/service.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs/screenshots');

async function seed(api: Client) {
  const post = async (url: string, body: unknown, method = 'POST') => {
    const response = await api(url, { body, method });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
  const chat = await post('/api/tickets', {
    phone: '+5214772758198', name: 'Juan Pérez', subject: 'La laptop no enciende', priority: 'alta',
    historial: [
      { role: 'user', content: 'Hola, mi laptop no enciende desde esta mañana' },
      { role: 'assistant', content: '¿Cuál es el número de activo del equipo? Está en la etiqueta de abajo.' },
      { role: 'user', content: 'Es el MX-4471' },
    ],
  });
  await post(`/ticket/${chat.id}/enviar-mensaje`, { mensaje: 'Hola Juan, soy Ana de soporte. ¿El cargador enciende su luz al conectarlo?' });
  await post('/api/simulator/inbound', { from: '+5214772758198', body: 'No, la luz no prende 😕', id: 'demo-1' });
  await post(`/ticket/${chat.id}/enviar-mensaje`, { mensaje: 'Entonces es el cargador. Pasa hoy al área de soporte y te prestamos uno mientras llega el nuevo.' });
  await post('/api/simulator/inbound', { from: '+5214772758198', body: 'Perfecto, voy a las 4. ¡Gracias!', id: 'demo-2' });
  await post(`/api/tickets/${chat.id}`, { status: 'in_progress' }, 'PATCH');
  await post(`/ticket/${chat.id}/nota`, { texto: 'Le prestamos el cargador del área; pedir el nuevo a compras.' });

  await post('/api/simulator/inbound', { from: '+5215512345678', body: 'No puedo entrar al correo, dice contraseña incorrecta', name: 'María López', id: 'demo-3' });
  await post('/api/simulator/inbound', { from: '+5218187654321', body: 'La impresora del segundo piso está atascada', name: 'Carlos Ruiz', id: 'demo-4' });
  await post('/api/simulator/inbound', { from: '+5218187654321', body: 'Ya intenté apagarla y prenderla', id: 'demo-5' });
  const vpn = await post('/api/tickets', { phone: '+5213398765432', name: 'Sofía Hernández', subject: 'Sin acceso a la VPN desde casa', priority: 'urgente' });
  await post(`/api/tickets/${vpn.id}`, { status: 'on_hold' }, 'PATCH');
  const monitor = await post('/api/tickets', { phone: '+5214421122334', name: 'Roberto Díaz', subject: 'Cambio de monitor', priority: 'baja' });
  await post(`/api/tickets/${monitor.id}`, { status: 'resolved' }, 'PATCH');
  return chat.id as number;
}

await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
const service = await startService();
const browser = await launchBrowser();
try {
  const api = await adminClient(service);
  const ticketId = await seed(api);
  fs.mkdirSync(OUT, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  const page = await context.newPage();
  await login(page, service);
  await row(page, ticketId).waitFor();
  await page.getByText('Carlos Ruiz').waitFor();
  await page.screenshot({ path: path.join(OUT, 'tickets.png') });

  await row(page, ticketId).getByRole('button', { name: 'Chat en Vivo' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('¡Gracias!').waitFor();
  await eventually(async () => (await dialog.getByText('Entregado').count()) >= 2, 'delivery acks');
  await dialog.getByRole('textbox', { name: 'Mensaje' }).fill('Te esperamos. Trae el cargador para revisarlo.');
  await page.screenshot({ path: path.join(OUT, 'chat.png') });
  await page.keyboard.press('Escape');

  const navTo = (name: string) => page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name }).click();
  await navTo('Estadísticas');
  await page.locator('.bars__bar').first().waitFor();
  await page.screenshot({ path: path.join(OUT, 'stats.png') });
  await navTo('WhatsApp');
  await page.getByTestId('whatsapp-status').waitFor();
  await page.screenshot({ path: path.join(OUT, 'whatsapp.png') });
  await navTo('Cuentas');
  await page.getByTestId('users-table').waitFor();
  await page.screenshot({ path: path.join(OUT, 'accounts.png') });
  await navTo('Tickets');
  await page.getByRole('banner').getByLabel('Tema').selectOption({ label: 'Oscuro' });
  await row(page, ticketId).getByRole('button', { name: 'Chat en Vivo' }).click();
  await page.getByRole('dialog').getByText('¡Gracias!').waitFor();
  await page.screenshot({ path: path.join(OUT, 'dark.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('banner').getByLabel('Tema').selectOption({ label: 'Claro' });

  await page.getByRole('link', { name: 'Teléfono de prueba' }).click();
  await page.getByLabel('Teléfono del usuario').fill('+5214772758198');
  await page.getByLabel('Nombre', { exact: true }).fill('Juan Pérez');
  await page.getByLabel('Mensaje del usuario').fill('Ya voy para allá 🚶');
  await page.getByLabel('Mensaje del usuario').press('Enter');
  await page.getByTestId('phone-out').first().waitFor();
  await page.getByTestId('phone-in').first().waitFor();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: path.join(OUT, 'sandbox.png') });
  console.log(`Capturas guardadas en ${path.relative(ROOT, OUT)}/`);
} finally {
  await browser.close();
  await service.stop();
}
