import { describe, expect, it } from 'vitest';
import type { SlaClock } from './types.ts';
import { duration, slaText } from './sla.ts';

const clock = (fields: Partial<SlaClock>): SlaClock => ({ vence: null, restante_min: 60, estado: 'ok', pausado: false, ...fields });

describe('slaText', () => {
  it('says the state in words, not only as a colour', () => {
    expect(slaText(clock({ restante_min: 95 }))).toEqual({ tone: 'ok', text: 'Quedan 1 h 35 min' });
    expect(slaText(clock({ estado: 'aviso', restante_min: 12 }))).toEqual({ tone: 'aviso', text: 'Aviso · quedan 12 min' });
    expect(slaText(clock({ estado: 'vencido', restante_min: -125 }))).toEqual({ tone: 'vencido', text: 'Vencido hace 2 h 5 min' });
    expect(slaText(clock({ estado: 'vencido', restante_min: 0 }))).toEqual({ tone: 'vencido', text: 'Vencido' });
    expect(slaText(clock({ estado: 'cumplido', restante_min: 20 }))).toEqual({ tone: 'cumplido', text: 'Cumplido' });
  });

  it('a paused clock says so and keeps its time left; a paused breach still reads as breached', () => {
    expect(slaText(clock({ pausado: true, restante_min: 30 }))).toEqual({ tone: 'pausado', text: 'En pausa · quedan 30 min' });
    expect(slaText(clock({ pausado: true, estado: 'aviso', restante_min: 5 })).tone).toBe('pausado');
    expect(slaText(clock({ pausado: true, estado: 'vencido', restante_min: -3 }))).toEqual({ tone: 'vencido', text: 'Vencido hace 3 min' });
  });
});

describe('duration', () => {
  it.each([
    [0, '0 min'],
    [59, '59 min'],
    [60, '1 h'],
    [61, '1 h 1 min'],
    [1440, '1 d'],
    [1441 + 120, '1 d 2 h'],
    [-90, '1 h 30 min'],
  ])('%i → %s', (minutes, text) => {
    expect(duration(minutes)).toBe(text);
  });
});
