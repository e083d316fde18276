import type { SlaClock, SlaState } from './types.ts';

/** How a clock reads in the table: its words carry the state, the colour only repeats them. */
export interface SlaText {
  tone: SlaState | 'pausado';
  text: string;
}

/** Business minutes as people say them: "45 min", "2 h 5 min", "3 d 4 h". */
export function duration(minutes: number): string {
  const total = Math.abs(minutes);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

export function slaText(clock: SlaClock): SlaText {
  if (clock.estado === 'cumplido') return { tone: 'cumplido', text: 'Cumplido' };
  if (clock.estado === 'vencido') {
    const late = clock.restante_min < 0 ? ` hace ${duration(clock.restante_min)}` : '';
    return { tone: 'vencido', text: `Vencido${late}` };
  }
  if (clock.pausado) return { tone: 'pausado', text: `En pausa · quedan ${duration(clock.restante_min)}` };
  if (clock.estado === 'aviso') return { tone: 'aviso', text: `Aviso · quedan ${duration(clock.restante_min)}` };
  return { tone: 'ok', text: `Quedan ${duration(clock.restante_min)}` };
}
