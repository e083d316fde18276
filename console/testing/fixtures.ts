import type { Entry, Ticket } from '../lib/types.ts';

export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 7,
    numero: 'TKT-7AB3CD4E',
    phone: '+5214771234567',
    name: 'Juan Pérez',
    subject: 'La laptop no enciende',
    description: null,
    status: 'open',
    priority: 'media',
    category: null,
    assigneeId: null,
    unread: 2,
    lastMessageAt: '2026-02-05T10:00:00.000Z',
    createdAt: '2026-02-05T09:00:00.000Z',
    updatedAt: '2026-02-05T10:00:00.000Z',
    resolvedAt: null,
    rating: null,
    ...overrides,
  };
}

export function entry(overrides: Partial<Entry> & Pick<Entry, 'id'>): Entry {
  return { role: 'user', content: `mensaje ${overrides.id}`, timestamp: '2026-02-05T10:00:00.000Z', kind: 'text', ...overrides };
}
