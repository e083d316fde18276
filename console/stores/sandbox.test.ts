import { describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeServer } from '../testing/fake-server.ts';
import { createSandboxStore } from './sandbox.ts';

describe('the phone sandbox store', () => {
  it('writes as the end user with a fresh message id, and shows only the replies that reached this phone', async () => {
    const server = fakeServer({
      'POST /api/simulator/inbound': { status: 202, body: { outcome: 'filed' } },
      'GET /api/simulator/sent': {
        body: [
          { to: '+524771234567', body: 'para mí (sin el 1)', id: 'a', at: '2099-01-01T00:00:01Z' },
          { to: '+5215512345678', body: 'para otra persona', id: 'b', at: '2099-01-01T00:00:02Z' },
        ],
      },
    });
    const sandbox = createSandboxStore(createApi({ fetch: server.fetch }));
    sandbox.phone.value = ' +5214771234567 ';
    sandbox.name.value = 'Marta';
    sandbox.draft.value = 'hola';
    await sandbox.send();
    await sandbox.send(); // an empty box sends nothing
    await sandbox.refresh();
    const [call] = server.callsTo('POST /api/simulator/inbound');
    expect(call.body).toMatchObject({ from: '+5214771234567', body: 'hola', name: 'Marta' });
    expect((call.body as { id: string }).id).toMatch(/^sandbox-/);
    expect(server.callsTo('POST')).toHaveLength(1);
    expect(sandbox.thread.value.map((m) => [m.direction, m.body])).toEqual([
      ['out', 'hola'],
      ['in', 'para mí (sin el 1)'],
    ]);
  });
});
