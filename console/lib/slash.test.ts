import { describe, expect, it } from 'vitest';
import { insertReply, matchReplies, slashQuery } from './slash.ts';

describe('the / picker rules', () => {
  it('opens on a slash at the start or after a space, not inside a word or a link', () => {
    expect(slashQuery('/', 1)).toEqual({ start: 0, query: '' });
    expect(slashQuery('Hola /equ', 9)).toEqual({ start: 5, query: 'equ' });
    expect(slashQuery('ver https://x', 13)).toBeNull();
    expect(slashQuery('y/o', 3)).toBeNull();
    expect(slashQuery('/equipo listo', 13)).toBeNull(); // a space closed it
  });

  it('narrows by title or text ignoring accents and case, titles that start with the query first', () => {
    const replies = [
      { titulo: 'Confirmar datos', texto: '¿Nos confirmas el número de activo?' },
      { titulo: 'Revisión', texto: 'Un técnico lo revisa' },
      { titulo: 'Número', texto: 'Tu ticket' },
    ];
    expect(matchReplies(replies, 'NUMERO').map((r) => r.titulo)).toEqual(['Número', 'Confirmar datos']);
    expect(matchReplies(replies, 'revision').map((r) => r.titulo)).toEqual(['Revisión']);
    expect(matchReplies(replies, '')).toHaveLength(3);
  });

  it('replaces the /word with the reply and keeps what follows the caret', () => {
    const text = 'Hola /equ, saludos';
    expect(insertReply(text, { start: 5, query: 'equ' }, 9, 'Tu equipo está listo.')).toEqual({
      text: 'Hola Tu equipo está listo., saludos',
      caret: 26,
    });
  });
});
