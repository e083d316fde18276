/**
 * A scripted stand-in for the service, for unit tests: each request is recorded and answered by
 * the first route whose "METHOD /path" prefix matches (query strings included in the path).
 */
export interface Call {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

export type Answer = { status?: number; body?: unknown } | 'offline';
export type Route = Answer | ((call: Call) => Answer | Promise<Answer>);

export function fakeServer(routes: Record<string, Route> = {}) {
  const calls: Call[] = [];
  // Routes added later with `on` come first: they are the test's newer, more specific answer.
  const table: [string, Route][] = Object.entries(routes);

  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const call: Call = {
      method: init.method ?? 'GET',
      path: String(input),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      headers: (init.headers ?? {}) as Record<string, string>,
    };
    calls.push(call);
    const match = table.find(([prefix]) => `${call.method} ${call.path}`.startsWith(prefix));
    const route = match ? match[1] : { status: 404, body: { error: 'no_encontrado', mensaje: `sin ruta: ${call.path}` } };
    const answer = typeof route === 'function' ? await route(call) : route;
    if (answer === 'offline') throw new TypeError('Failed to fetch');
    const status = answer.status ?? 200;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return new Response(status === 204 ? null : text, { status });
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    calls,
    /** The server's answer changes mid-test. */
    on(route: string, answer: Route) {
      table.unshift([route, answer]);
    },
    callsTo(prefix: string) {
      return calls.filter((call) => `${call.method} ${call.path}`.startsWith(prefix));
    },
  };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

export const error = (status: number, word: string, mensaje: string): Answer => ({ status, body: { error: word, mensaje } });
