/**
 * `/` in the chat box: a slash at the start of the box or after a space opens the quick-reply
 * picker, and what follows it narrows the list. Plain functions, so the rules are tested alone.
 */
export interface SlashQuery {
  /** Where the `/` is: the text from here to the caret is replaced by the chosen reply. */
  start: number;
  query: string;
}

/** The `/word` being typed just before the caret, if any ("http://x" is not one: no space before). */
export function slashQuery(text: string, caret: number): SlashQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([^\s/]*)$/.exec(before);
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2] };
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The replies whose title or text contains the query, accents and case aside; titles that start with it first. */
export function matchReplies<T extends { titulo: string; texto: string }>(replies: readonly T[], query: string): T[] {
  const wanted = fold(query);
  const hits = replies.filter((reply) => fold(reply.titulo).includes(wanted) || fold(reply.texto).includes(wanted));
  const starts = (reply: T) => (fold(reply.titulo).startsWith(wanted) ? 0 : 1);
  return hits.map((reply, index) => ({ reply, index })).sort((a, b) => starts(a.reply) - starts(b.reply) || a.index - b.index).map((hit) => hit.reply);
}

/** The box after choosing a reply: the `/word` replaced by its text, the caret right after it. */
export function insertReply(text: string, slash: SlashQuery, caret: number, reply: string): { text: string; caret: number } {
  const next = text.slice(0, slash.start) + reply + text.slice(caret);
  return { text: next, caret: slash.start + reply.length };
}
