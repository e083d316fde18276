import { describe, expect, it } from 'vitest';
import { LinkWatch } from './link-watch.ts';

const states = (watch: LinkWatch, ...list: Parameters<LinkWatch['next']>[0][]) => list.map((change) => watch.next(change));

describe('LinkWatch', () => {
  it('records the link completed by a QR scan, naming the admin who asked for it once', () => {
    const watch = new LinkWatch();
    watch.linkRequested('ana');
    const events = states(watch, { state: 'starting' }, { state: 'qr', qr: 'x' }, { state: 'authenticating' }, { state: 'ready' }, { state: 'ready' });
    expect(events).toEqual([null, null, null, { actor: 'whatsapp', action: 'whatsapp_enlazado', detail: { iniciado_por: 'ana' } }, null]);
    // A later scan nobody asked for in the console (the terminal's QR) names no one.
    expect(states(watch, { state: 'qr', qr: 'y' }, { state: 'ready' }).at(-1)).toEqual({ actor: 'whatsapp', action: 'whatsapp_enlazado', detail: undefined });
  });

  it('records nothing for a session restored without a QR (a restart, a reconnection)', () => {
    const watch = new LinkWatch();
    expect(states(watch, { state: 'starting' }, { state: 'ready' }, { state: 'disconnected', reason: 'red' }, { state: 'ready' })).toEqual([null, null, null, null]);
  });

  it('records an unlink from the phone once, with its reason, but not the unlink an admin asked for', () => {
    const watch = new LinkWatch();
    const fromPhone = states(watch, { state: 'ready' }, { state: 'logged_out', reason: 'Se cerró la sesión en el teléfono.' }, { state: 'logged_out', reason: 'otra vez' });
    expect(fromPhone).toEqual([null, { actor: 'whatsapp', action: 'whatsapp_desvinculado_telefono', detail: { motivo: 'Se cerró la sesión en el teléfono.' } }, null]);
    expect(states(watch, { state: 'qr', qr: 'z' }, { state: 'ready' }).at(-1)?.action).toBe('whatsapp_enlazado');
    watch.unlinkRequested();
    expect(states(watch, { state: 'logged_out', reason: 'Se desvinculó el número.' })).toEqual([null]);
    // A request that changed nothing (the link came back first) does not hide the phone's unlink.
    watch.unlinkRequested();
    expect(states(watch, { state: 'ready' }, { state: 'logged_out' })).toEqual([null, { actor: 'whatsapp', action: 'whatsapp_desvinculado_telefono', detail: undefined }]);
  });
});
