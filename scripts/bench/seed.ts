/** Realistic chat lines (Spanish, some emoji), shared by the app's and the baseline's seeds. */
const LINES: [role: 'user' | 'tecnico' | 'assistant', text: string][] = [
  ['user', 'Hola, mi laptop no enciende desde ayer en la tarde 😟'],
  ['assistant', 'Recibimos tu mensaje y abrimos un ticket. Un técnico te responderá por aquí.'],
  ['tecnico', 'Hola, ¿puedes dejarla conectada al cargador 10 minutos y volver a intentar?'],
  ['user', 'Ya lo intenté, la luz del cargador parpadea en naranja'],
  ['tecnico', 'Gracias. Pasa por soporte en el piso 3 y te prestamos un equipo mientras la revisamos 🔋'],
  ['user', 'Perfecto, voy para allá 👍'],
];

export interface SeedEntry {
  role: 'user' | 'tecnico' | 'assistant';
  content: string;
  timestamp: string;
}

export function seedEntries(count: number, start = Date.UTC(2026, 0, 5, 9)): SeedEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const [role, text] = LINES[i % LINES.length];
    return { role, content: `${text} (#${i + 1})`, timestamp: new Date(start + i * 30_000).toISOString() };
  });
}

/** Mexican mobiles in the +521 form, one line per index. */
export const phoneNumber = (block: number, index: number) => `+521477${block}${String(index).padStart(6, '0')}`;

export const BIG_HISTORY = 10_000;
export const POLL_CHAT_ENTRIES = 50;
export const LIST_TICKETS = 200;
export const ROUND_ROBIN_TICKETS = 10;
