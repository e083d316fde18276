import type { Plantilla } from '../contract/index.ts';

/** The predefined messages behind the console's Notificar button. */
export const TEMPLATES: readonly Plantilla[] = [
  { id: 'equipo-listo', titulo: 'Equipo listo', texto: 'Hola, tu equipo ya está listo. Puedes pasar a recogerlo en horario de atención.' },
  { id: 'esperando-pieza', titulo: 'Esperando refacción', texto: 'Estamos esperando una refacción para tu equipo. Te avisaremos en cuanto llegue.' },
  { id: 'en-revision', titulo: 'En revisión', texto: 'Un técnico ya está revisando tu caso. Te escribiremos con el diagnóstico.' },
  { id: 'confirmar-datos', titulo: 'Confirmar datos', texto: '¿Nos confirmas el número de activo del equipo y un horario en que podamos contactarte?' },
  { id: 'ticket-resuelto', titulo: 'Ticket resuelto', texto: 'Damos tu ticket por resuelto. Si el problema vuelve, responde a este mensaje y lo reabrimos.' },
];
