import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTicket } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { newNumero } from '../tickets/numero.ts';
import { pdfText } from '../../test/support/pdf.ts';
import { columnTitle, CSV_COLUMNS, csvField } from './export.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const get = (url: string, headers: Record<string, string> = t.admin) => t.app.inject({ method: 'GET', url, headers });
const at = (iso: string) => new Date(iso);

async function user(username: string, displayName: string, active = true) {
  return prisma().user.create({ data: { username, displayName, passwordHash: 'x', role: 'tecnico', active } });
}

async function ticket(fields: {
  createdAt: string;
  status?: string;
  priority?: string;
  assigneeId?: number;
  unread?: number;
  resolvedAt?: string;
  replies?: { at: string; by: number }[];
  userMessages?: string[];
}) {
  const row = await prisma().ticket.create({
    data: {
      numero: newNumero(),
      phone: '+5214771234567',
      phoneKey: '+524771234567',
      subject: 'Seed',
      status: fields.status ?? 'open',
      priority: fields.priority ?? 'media',
      assigneeId: fields.assigneeId,
      unread: fields.unread ?? 0,
      createdAt: at(fields.createdAt),
      resolvedAt: fields.resolvedAt ? at(fields.resolvedAt) : null,
    },
  });
  for (const when of fields.userMessages ?? []) {
    await prisma().message.create({ data: { ticketId: row.id, role: 'user', content: 'hola', timestamp: when, createdAt: at(when) } });
  }
  for (const reply of fields.replies ?? []) {
    await prisma().message.create({
      data: { ticketId: row.id, role: 'tecnico', content: 'respuesta', timestamp: reply.at, authorId: reply.by, createdAt: at(reply.at) },
    });
  }
  return row;
}

describe('GET /api/estadisticas', () => {
  it('answers the hand-computed figures of a seeded March', async () => {
    // Calendar days in UTC here, so the seeded instants read as the days they name.
    await t.close();
    t.replace(await buildTestApp({ SLA_ZONA_HORARIA: 'UTC' }));
    const ana = await user('ana', 'Ana López');
    const beto = await user('beto', 'Beto Ruiz');
    await user('carla', 'Carla (baja)', false); // deactivated and idle: not listed
    // In the period (March 2026, both ends included):
    await ticket({
      createdAt: '2026-03-02T10:00:00Z', status: 'resolved', priority: 'alta', assigneeId: ana.id,
      resolvedAt: '2026-03-02T14:00:00Z', // 4 h
      userMessages: ['2026-03-02T10:00:00Z'],
      replies: [{ at: '2026-03-02T10:10:00Z', by: ana.id }, { at: '2026-03-02T10:30:00Z', by: ana.id }], // first: 10 min
    });
    await ticket({
      createdAt: '2026-03-05T08:00:00Z', status: 'open', priority: 'media', assigneeId: ana.id, unread: 2,
      replies: [{ at: '2026-03-05T08:30:00Z', by: ana.id }], // 30 min
    });
    await ticket({
      createdAt: '2026-03-10T12:00:00Z', status: 'closed', priority: 'alta', assigneeId: beto.id,
      resolvedAt: '2026-03-11T12:00:00Z', // 24 h
      userMessages: ['2026-03-10T12:05:00Z'],
      replies: [{ at: '2026-03-10T12:50:00Z', by: beto.id }], // 50 min
    });
    await ticket({ createdAt: '2026-03-31T23:30:00Z', status: 'on_hold', priority: 'urgente', unread: 1 });
    // Outside it: the day after, and the minute before. Ana's reply on 1 March still counts as hers.
    await ticket({ createdAt: '2026-04-01T00:00:00Z', unread: 5, assigneeId: beto.id, replies: [{ at: '2026-04-01T00:01:00Z', by: beto.id }] });
    await ticket({
      createdAt: '2026-02-28T23:59:00Z', status: 'resolved', priority: 'baja', resolvedAt: '2026-03-01T00:00:00Z',
      replies: [{ at: '2026-03-01T09:00:00Z', by: ana.id }],
    });

    const response = await get('/api/estadisticas?desde=2026-03-01&hasta=2026-03-31');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      desde: '2026-03-01',
      hasta: '2026-03-31',
      zona_horaria: 'UTC',
      total: 4,
      por_estado: { open: 1, in_progress: 0, on_hold: 1, resolved: 1, closed: 1 },
      por_prioridad: { baja: 0, media: 1, alta: 2, urgente: 1 },
      sin_leer: 2,
      primera_respuesta_mediana_min: 30, // 10, 30, 50
      resolucion_mediana_h: 14, // 4 and 24
      valoraciones: 0,
      satisfaccion_media: null,
      // Default targets (first reply alta 30 min, urgente 15; resolution media 24 h, alta 8 h,
      // urgente 4 h), measured today: 2 March met both (10 min, 4 h); 5 March replied in 30 of
      // 120 min but is still open months later; 10 March replied in 50 of 30 min and was done in
      // 24 of 8 h; 31 March (seeded "En espera" with no status history: paused only since its
      // last update, today) has no reply and is unresolved.
      sla_incumplidos: { primera_respuesta: 2, resolucion: 3 },
      por_tecnico: [
        { id: 1, nombre: 'Administrador', tickets: 0, respuestas: 0, primera_respuesta_mediana_min: null },
        { id: ana.id, nombre: 'Ana López', tickets: 2, respuestas: 4, primera_respuesta_mediana_min: 20 }, // 10, 30
        { id: beto.id, nombre: 'Beto Ruiz', tickets: 1, respuestas: 1, primera_respuesta_mediana_min: 50 },
      ],
    });
  });

  it('an empty period answers zeroes and null medians, not an error', async () => {
    const response = await get('/api/estadisticas?desde=2020-01-01&hasta=2020-01-31');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ total: 0, sin_leer: 0, primera_respuesta_mediana_min: null, resolucion_mediana_h: null });
  });

  it('without dates it covers the last 30 days, today included', async () => {
    await createTicket(t);
    const body = (await get('/api/estadisticas')).json();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Mexico_City' }).format(new Date()); // the default zone
    expect(body).toMatchObject({ hasta: today, total: 1, por_estado: { open: 1 } });
    expect((Date.parse(body.hasta) - Date.parse(body.desde)) / 86_400_000).toBe(29);
  });

  it.each([
    ['desde=2026-3-1', 'AAAA-MM-DD'],
    ['desde=2026-02-30', 'no existe'],
    ['desde=2026-04-01&hasta=2026-03-01', 'desde debe ser anterior'],
  ])('400 with a Spanish message for %s', async (query, words) => {
    const response = await get(`/api/estadisticas?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'solicitud_invalida', mensaje: expect.stringContaining(words) });
  });

  it('401 without a session or token', async () => {
    expect((await get('/api/estadisticas', {})).statusCode).toBe(401);
    expect((await get('/api/exportes/tickets.csv', {})).statusCode).toBe(401);
  });
});

describe('GET /api/estadisticas: calendar days of SLA_ZONA_HORARIA', () => {
  const totalOf = async (day: string) => (await get(`/api/estadisticas?desde=${day}&hasta=${day}`)).json().total;

  it('a ticket at 23:30 local belongs to that day and one at 00:30 to the next, whatever UTC says', async () => {
    await t.close();
    t.replace(await buildTestApp({ SLA_ZONA_HORARIA: 'America/Mexico_City' })); // UTC−6 all year
    await ticket({ createdAt: '2026-03-11T05:30:00Z' }); // 23:30 on 10 March there (11 March in UTC)
    await ticket({ createdAt: '2026-03-11T06:30:00Z' }); // 00:30 on 11 March there
    expect(await totalOf('2026-03-10')).toBe(1);
    expect(await totalOf('2026-03-11')).toBe(1);
    expect((await get('/api/estadisticas?desde=2026-03-10&hasta=2026-03-11')).json().total).toBe(2);
  });

  it('a day on which the clocks go forward is 23 hours long', async () => {
    await t.close();
    t.replace(await buildTestApp({ SLA_ZONA_HORARIA: 'America/New_York' })); // EST→EDT at 02:00 on 8 March 2026
    await ticket({ createdAt: '2026-03-08T04:30:00Z' }); // 23:30 on 7 March (EST)
    await ticket({ createdAt: '2026-03-08T05:30:00Z' }); // 00:30 on 8 March (EST)
    await ticket({ createdAt: '2026-03-09T03:30:00Z' }); // 23:30 on 8 March (EDT)
    await ticket({ createdAt: '2026-03-09T04:30:00Z' }); // 00:30 on 9 March (EDT): 5 h after UTC midnight no longer
    expect(await totalOf('2026-03-07')).toBe(1);
    expect(await totalOf('2026-03-08')).toBe(2);
    expect(await totalOf('2026-03-09')).toBe(1);
  });

  it('a day on which the clocks go back is 25 hours long', async () => {
    await t.close();
    t.replace(await buildTestApp({ SLA_ZONA_HORARIA: 'America/New_York' })); // EDT→EST at 02:00 on 1 November 2026
    await ticket({ createdAt: '2026-11-01T03:30:00Z' }); // 23:30 on 31 October (EDT)
    await ticket({ createdAt: '2026-11-01T04:30:00Z' }); // 00:30 on 1 November (EDT)
    await ticket({ createdAt: '2026-11-02T04:30:00Z' }); // 23:30 on 1 November (EST)
    await ticket({ createdAt: '2026-11-02T05:30:00Z' }); // 00:30 on 2 November (EST)
    expect(await totalOf('2026-10-31')).toBe(1);
    expect(await totalOf('2026-11-01')).toBe(2);
    expect(await totalOf('2026-11-02')).toBe(1);
  });

  it("without dates, today is the zone's today", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-11-30T03:00:00Z')); // 21:00 on 29 November in Mexico City
      await t.close();
      t.replace(await buildTestApp({ SLA_ZONA_HORARIA: 'America/Mexico_City' }));
      expect((await get('/api/estadisticas')).json()).toMatchObject({ desde: '2026-10-31', hasta: '2026-11-29' });
    } finally {
      vi.useRealTimers();
    }
  });
});

// The test app's default SLA_ZONA_HORARIA: date columns name it in their header.
const ZONE = '(America/Mexico_City)';
const CREADO = `creado ${ZONE}`;

describe('GET /api/exportes/tickets.csv', () => {
  const csv = async (query = '') => {
    const response = await get(`/api/exportes/tickets.csv${query}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])); // the BOM Excel needs
    return parse(response.rawPayload, { bom: true, columns: true }) as Record<string, string>[];
  };

  it('parses back to the tickets, accents, quotes, commas and line breaks intact', async () => {
    const first = await createTicket(t, { name: 'José Ñúñez', subject: 'Impresora "HP", piso 3\nno imprime', priority: 'alta' });
    const second = await createTicket(t, { phone: '+5215512345678', name: 'Ana', subject: '=HYPERLINK("http://x")', category: 'red' });

    const rows = await csv();

    expect(rows).toEqual([
      {
        id: String(second.id), numero: expect.stringMatching(/^TKT-[2-9A-HJ-NP-Z]{8}$/), telefono: '+5215512345678', nombre: 'Ana', asunto: `'=HYPERLINK("http://x")`, estado: 'Abierto',
        prioridad: 'media', categoria: 'red', tecnico: '', sin_leer: '0', [CREADO]: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        [`ultimo_mensaje ${ZONE}`]: expect.any(String), [`resuelto ${ZONE}`]: '',
      },
      expect.objectContaining({ id: String(first.id), telefono: '+5214772758198', nombre: 'José Ñúñez', asunto: 'Impresora "HP", piso 3\nno imprime', prioridad: 'alta' }),
    ]);
  });

  it('every matching ticket exactly once across many pages, with the table filters', async () => {
    const { db } = t.app.puente;
    const now = new Date();
    const data = Array.from({ length: 1203 }, (_, i) => ({
      numero: `TKT-${String(i).padStart(8, 'A')}`,
      phone: '+5214771234567',
      phoneKey: '+524771234567',
      subject: `Ticket ${i}`,
      status: i % 3 === 0 ? 'closed' : 'open',
      lastMessageAt: now,
    }));
    await db.write((tx) => tx.ticket.createMany({ data }));

    const all = await csv();
    expect(all).toHaveLength(1203);
    expect(new Set(all.map((row) => row.id)).size).toBe(1203);
    const closed = await csv('?status=closed');
    expect(closed).toHaveLength(401);
    expect(closed.every((row) => row.estado === 'Cerrado')).toBe(true);
    const searched = await csv('?q=ticket%20120');
    expect(searched.map((row) => row.asunto).sort()).toEqual(['Ticket 120', 'Ticket 1200', 'Ticket 1201', 'Ticket 1202']);
  });

  it('only the rows of every table filter at once: status, priority, category, assignee and search', async () => {
    const ana = await user('ana', 'Ana López');
    const make = (subject: string, fields: { status?: string; priority?: string; category?: string; assigneeId?: number }) =>
      prisma().ticket.create({ data: { numero: newNumero(), phone: '+5214771234567', phoneKey: '+524771234567', subject, ...fields } });
    const wanted = await make('Impresora atorada', { status: 'open', priority: 'alta', category: 'hardware', assigneeId: ana.id });
    await make('Impresora sin tóner', { status: 'open', priority: 'baja', category: 'hardware', assigneeId: ana.id }); // priority
    await make('Impresora de red', { status: 'closed', priority: 'alta', category: 'hardware', assigneeId: ana.id }); // status
    await make('Impresora nueva', { status: 'open', priority: 'alta', category: 'compras', assigneeId: ana.id }); // category
    await make('Impresora prestada', { status: 'open', priority: 'alta', category: 'hardware' }); // assignee
    await make('Monitor parpadea', { status: 'open', priority: 'alta', category: 'hardware', assigneeId: ana.id }); // search

    const rows = await csv(`?status=open&priority=alta&category=hardware&asignado=${ana.id}&q=impresora`);
    expect(rows.map((row) => row.id)).toEqual([String(wanted.id)]);
    expect((await csv('?priority=baja')).map((row) => row.asunto)).toEqual(['Impresora sin tóner']);
    const listed = (await get('/api/tickets?priority=alta&category=hardware&asignado=ninguno')).json();
    expect(listed.tickets.map((ticket: { subject: string }) => ticket.subject)).toEqual(['Impresora prestada']);
    expect((await get('/api/exportes/tickets.csv?priority=maxima')).statusCode).toBe(400);
  });

  it('400 for a filter the table would reject', async () => {
    const response = await get('/api/exportes/tickets.csv?status=perdido');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'solicitud_invalida' });
  });
});

describe('csvField', () => {
  it('keeps phones and numbers, defuses formulas', () => {
    expect(csvField('+5214771234567')).toBe('+5214771234567');
    expect(csvField('-12')).toBe('-12');
    expect(csvField('+cmd|calc')).toBe("'+cmd|calc");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });
});

describe('GET /api/exportes/tickets.xlsx', () => {
  it('is a workbook exceljs opens, with typed numbers and dates and the table filters', async () => {
    const first = await createTicket(t, { name: 'José Ñúñez', subject: 'Impresora de contabilidad', priority: 'alta' });
    await createTicket(t, { subject: 'Otra cosa' });
    await prisma().ticket.update({ where: { id: first.id }, data: { unread: 3 } });

    const response = await get('/api/exportes/tickets.xlsx?q=impresora');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Tickets')!;
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(1).values).toEqual([undefined, ...CSV_COLUMNS.map((column) => columnTitle(column, 'America/Mexico_City'))]);
    const row = sheet.getRow(2);
    const cell = (name: string) => row.getCell(CSV_COLUMNS.indexOf(name as never) + 1).value;
    expect(cell('id')).toBe(first.id);
    expect(cell('nombre')).toBe('José Ñúñez');
    expect(cell('sin_leer')).toBe(3);
    expect(cell('creado')).toBeInstanceOf(Date);
    const stored = await prisma().ticket.findUniqueOrThrow({ where: { id: first.id } });
    // Mexico City is UTC−6 all year: the cell shows the wall time there.
    expect((cell('creado') as Date).getTime()).toBe(stored.createdAt.getTime() - 6 * 3_600_000);
    expect(cell('resuelto')).toBeNull();
  });
});

describe('PDF exports', () => {
  it('the ticket list: one line per matching ticket, accents intact, headers again on every page', async () => {
    await createTicket(t, { name: 'José Ñúñez', subject: 'Impresora de contabilidad' });
    await createTicket(t, { subject: 'Otra cosa' });
    const { db } = t.app.puente;
    const data = Array.from({ length: 60 }, (_, i) => ({
      numero: `TKT-${String(i).padStart(8, 'A')}`,
      phone: '+5214771234567',
      phoneKey: '+524771234567',
      subject: `Impresora ${i}`,
    }));
    await db.write((tx) => tx.ticket.createMany({ data }));

    const response = await get('/api/exportes/tickets.pdf?q=impresora');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pages = await pdfText(response.rawPayload);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page).toContain('Teléfono');
    const all = pages.join(' ');
    expect(all).toContain('José Ñúñez');
    expect(all).toContain('Impresora 59');
    expect(all).not.toContain('Otra cosa');
  });

  it("a ticket's transcript: its messages in order with speakers, attachments listed, 404 for a missing ticket", async () => {
    const created = await createTicket(t, {
      subject: 'Laptop no enciende',
      historial: [
        { role: 'user', content: 'No prende la laptop, señor', timestamp: '2026-03-02T10:00:00Z' },
        { role: 'tecnico', content: '¿Ya probó con otro cargador?', timestamp: '2026-03-02T10:05:00Z' },
      ],
    });
    await prisma().message.create({
      data: {
        ticketId: created.id, role: 'user', content: 'foto del equipo', timestamp: '2026-03-02T10:06:00Z', kind: 'image',
        extra: JSON.stringify({ adjunto: { id: 'a1', nombre: 'laptop.jpg', tipo: 'image/jpeg', bytes: 10, url: '/api/adjuntos/a1' } }),
      },
    });

    const response = await get(`/api/tickets/${created.id}/transcripcion.pdf`);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="ticket-${created.id}.pdf"`);
    const text = (await pdfText(response.rawPayload)).join(' ');
    expect(text).toContain(`Ticket ${(await t.app.puente.db.prisma.ticket.findUniqueOrThrow({ where: { id: created.id } })).numero}: Laptop no enciende`);
    const order = ['No prende la laptop, señor', '¿Ya probó con otro cargador?', 'foto del equipo', 'Adjuntos'].map((part) => text.indexOf(part));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('laptop.jpg (image/jpeg)');
    expect(text).toContain('Técnico');

    expect((await get('/api/tickets/999999/transcripcion.pdf')).statusCode).toBe(404);
    expect((await get(`/api/tickets/${created.id}/transcripcion.pdf`, {})).statusCode).toBe(401);
  });
});

describe('exports show times on the clock of SLA_ZONA_HORARIA, not UTC', () => {
  // Madrid goes from CET (UTC+1) to CEST (UTC+2) at 01:00 UTC on 29 March 2026: one day, two offsets.
  const MADRID = [
    { createdAt: '2026-03-29T00:15:00Z', local: '2026-03-29 01:15:00' },
    { createdAt: '2026-03-29T01:45:00Z', local: '2026-03-29 03:45:00' },
  ];

  async function seed(zone: string) {
    await t.close();
    t.replace(await buildTestApp({ SLA_ZONA_HORARIA: zone }));
  }

  it('CSV: Mexico City (UTC−6) and Madrid on the day it moves to summer time', async () => {
    await seed('America/Mexico_City');
    // Resolved at 05:30 UTC on 3 March = 23:30 on 2 March in Mexico City: the day changes too.
    await ticket({ createdAt: '2026-03-02T10:00:00Z', status: 'resolved', resolvedAt: '2026-03-03T05:30:00Z' });
    const mexico = parse((await get('/api/exportes/tickets.csv')).rawPayload, { bom: true, columns: true }) as Record<string, string>[];
    expect(mexico).toEqual([
      expect.objectContaining({ 'creado (America/Mexico_City)': '2026-03-02 04:00:00', 'resuelto (America/Mexico_City)': '2026-03-02 23:30:00' }),
    ]);

    await seed('Europe/Madrid');
    for (const { createdAt } of MADRID) await ticket({ createdAt });
    const madrid = parse((await get('/api/exportes/tickets.csv')).rawPayload, { bom: true, columns: true }) as Record<string, string>[];
    expect(madrid.map((row) => row['creado (Europe/Madrid)'])).toEqual(MADRID.map((row) => row.local).reverse());
  });

  it('XLSX: typed date cells that read as the wall time in Madrid, the zone in the header', async () => {
    await seed('Europe/Madrid');
    for (const { createdAt } of MADRID) await ticket({ createdAt });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await get('/api/exportes/tickets.xlsx')).rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Tickets')!;
    const column = CSV_COLUMNS.indexOf('creado') + 1;
    expect(sheet.getRow(1).getCell(column).value).toBe('creado (Europe/Madrid)');
    const cells = [3, 2].map((row) => sheet.getRow(row).getCell(column).value);
    for (const cell of cells) expect(cell).toBeInstanceOf(Date);
    // Excel dates have no zone: what the cell displays is its UTC fields.
    expect(cells.map((cell) => (cell as Date).toISOString().slice(0, 19).replace('T', ' '))).toEqual(MADRID.map((row) => row.local));
  });

  it('the list PDF and the transcript PDF: local times, the zone named, never the UTC time', async () => {
    await seed('Europe/Madrid');
    for (const { createdAt } of MADRID) await ticket({ createdAt });
    const list = (await pdfText((await get('/api/exportes/tickets.pdf')).rawPayload)).join(' ');
    expect(list).toContain('Europe/Madrid');
    for (const { local } of MADRID) expect(list).toContain(local.slice(0, 16));
    expect(list).not.toContain('2026-03-29 00:15');
    expect(list).not.toContain('2026-03-29 01:45');

    const created = await createTicket(t, {
      subject: 'Cambio de hora',
      historial: MADRID.map(({ createdAt }, i) => ({ role: i ? 'tecnico' : 'user', content: `mensaje ${i}`, timestamp: createdAt })),
    });
    const transcript = (await pdfText((await get(`/api/tickets/${created.id}/transcripcion.pdf`)).rawPayload)).join(' ');
    expect(transcript).toContain('Europe/Madrid');
    for (const { local } of MADRID) expect(transcript).toContain(local);
    expect(transcript).not.toContain('2026-03-29 00:15');
    expect(transcript).not.toContain('2026-03-29 01:45');
  });
});
