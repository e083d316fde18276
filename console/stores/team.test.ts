import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeServer } from '../testing/fake-server.ts';
import { createTeamStore } from './team.ts';

afterEach(() => vi.useRealTimers());

describe('the team and who of it is online', () => {
  it('reads en_linea, and reads the team again (once) after a burst of presence events', async () => {
    vi.useFakeTimers();
    let online = false;
    const server = fakeServer({
      'GET /api/equipo': () => ({ body: { equipo: [{ id: 1, nombre: 'Administrador', en_linea: true }, { id: 2, nombre: 'Ana', en_linea: online }] } }),
    });
    const team = createTeamStore(createApi({ fetch: server.fetch }), { pollMs: 60_000 });
    team.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(team.online.value.map((person) => person.nombre)).toEqual(['Administrador']);
    expect([team.isOnline(2), team.isOnline(null)]).toEqual([false, false]);

    online = true;
    for (let i = 0; i < 5; i++) team.applyEvent({ type: 'equipo' });
    team.applyEvent({ type: 'ticket', ticket: {} as never }); // not about presence
    await vi.advanceTimersByTimeAsync(300);
    expect(server.callsTo('GET /api/equipo')).toHaveLength(2);
    expect(team.isOnline(2)).toBe(true);

    // Without any event (a process died), the minute's poll catches up.
    online = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(team.isOnline(2)).toBe(false);
    team.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.callsTo('GET /api/equipo')).toHaveLength(3);
  });
});
