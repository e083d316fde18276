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

  it('sends a photo as the end user (base64, its type and name, the draft as caption) and shows the file both ways', async () => {
    const server = fakeServer({
      'POST /api/simulator/inbound': { status: 202, body: { outcome: 'filed' } },
      'GET /api/simulator/sent': {
        body: [{ to: '+5214771234567', body: '', id: 'r', at: '2099-01-01T00:00:01Z', media: { mimetype: 'application/pdf', filename: 'guia.pdf', bytes: 9, sha256: 'ab' } }],
      },
    });
    const sandbox = createSandboxStore(createApi({ fetch: server.fetch }));
    const pixels = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
    sandbox.draft.value = 'así se ve';
    await sandbox.send(new File([pixels], 'pantalla.png', { type: 'image/png' }));
    await sandbox.refresh();
    const [call] = server.callsTo('POST /api/simulator/inbound');
    expect(call.body).toMatchObject({ from: '+5214771234567', body: 'así se ve', media: { mimetype: 'image/png', filename: 'pantalla.png' } });
    const sent = Buffer.from((call.body as { media: { base64: string } }).media.base64, 'base64');
    expect([...sent]).toEqual([...pixels]);
    expect(sandbox.thread.value.map((m) => [m.direction, m.body, m.file])).toEqual([
      ['out', 'así se ve', 'pantalla.png'],
      ['in', '', 'guia.pdf'],
    ]);
    expect(sandbox.draft.value).toBe('');
  });

  it('refuses a file that is not an image, and sends nothing', async () => {
    const server = fakeServer({ 'POST /api/simulator/inbound': { status: 202, body: { outcome: 'filed' } } });
    const sandbox = createSandboxStore(createApi({ fetch: server.fetch }));
    await sandbox.send(new File(['MZ'], 'virus.exe', { type: 'application/x-msdownload' }));
    expect(sandbox.error.value).toMatch(/imagen/);
    expect(server.callsTo('POST')).toHaveLength(0);
  });
});
