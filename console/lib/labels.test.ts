import { describe, expect, it } from 'vitest';
import { canResend, deliveryLabel, linkStateLabel, statusLabel } from './labels.ts';

describe('Spanish labels', () => {
  it('names every delivery state as technicians read it', () => {
    const states = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown'];
    expect(states.map(deliveryLabel)).toEqual(['En cola', 'Enviando', 'Enviado', 'Entregado', 'Leído', 'Falló', 'Desconocido']);
  });

  it('names every ticket status', () => {
    const statuses = ['open', 'in_progress', 'on_hold', 'resolved', 'closed'];
    expect(statuses.map(statusLabel)).toEqual(['Abierto', 'En proceso', 'En espera', 'Resuelto', 'Cerrado']);
  });

  it('shows a state this console does not know yet as unknown, not as a machine word', () => {
    expect(deliveryLabel('pending_ack')).toBe('Desconocido');
    expect(linkStateLabel('pairing')).toBe('Estado desconocido');
  });

  it('offers a resend only for failed and unknown messages', () => {
    expect(['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown'].filter(canResend)).toEqual(['failed', 'unknown']);
  });
});
