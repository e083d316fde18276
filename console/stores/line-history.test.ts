import { describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeServer, flush } from '../testing/fake-server.ts';
import { ticket } from '../testing/fixtures.ts';
import { createLineHistoryStore } from './line-history.ts';

describe("the end user's history beside the chat", () => {
  it("loads the line's earlier tickets, then the conversation of the one picked", async () => {
    const earlier = ticket({ id: 3, subject: 'Impresora' });
    const server = fakeServer({
      'GET /api/tickets/7/anteriores': { body: { tickets: [earlier] } },
      'GET /ticket/3/conversacion': { body: { historial: [{ id: 1, role: 'user', content: 'no imprime', timestamp: '2026-01-01T00:00:00Z', kind: 'text' }] } },
    });
    const store = createLineHistoryStore(createApi({ fetch: server.fetch }));
    await store.load(7);
    expect(store.tickets.value).toEqual([earlier]);
    await store.pick(earlier);
    expect(server.calls.at(-1)?.path).toBe('/ticket/3/conversacion?notas=1&limite=200');
    expect(store.entries.value?.map((entry) => entry.content)).toEqual(['no imprime']);
  });

  it('drops the answer for a chat closed meanwhile', async () => {
    const slow = { release: () => {} };
    const server = fakeServer({
      'GET /api/tickets/7/anteriores': () => new Promise((resolve) => (slow.release = () => resolve({ body: { tickets: [ticket({ id: 3 })] } }))),
    });
    const store = createLineHistoryStore(createApi({ fetch: server.fetch }));
    const loading = store.load(7);
    await flush();
    store.reset();
    slow.release();
    await loading;
    expect(store.tickets.value).toBeNull();
  });
});
