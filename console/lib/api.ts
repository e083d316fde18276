/**
 * The console's one way to the server: JSON in and out, and every failure as an ApiError that
 * carries the status and the server's `error`/`mensaje`, so screens can show the server's words.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly mensaje: string,
  ) {
    super(mensaje);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Login answers 401 for a wrong password: that is not an expired session. */
  expectUnauthorized?: boolean;
}

export interface Api {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
}

export interface ApiOptions {
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof fetch;
  /** True while nobody is at the console: its requests are then polls, which must not keep the session from idling. */
  background?: () => boolean;
}

/** The server's BACKGROUND_HEADER (server/auth/sessions.ts). */
const BACKGROUND = { 'x-puente-segundo-plano': '1' };

const OFFLINE = 'No se pudo conectar con el servidor. Revisa tu conexión e inténtalo de nuevo.';

export function createApi({ onUnauthorized, fetch: doFetch = (...args) => fetch(...args), background }: ApiOptions = {}): Api {
  async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const hasBody = options.body !== undefined;
    let response: Response;
    try {
      response = await doFetch(path, {
        method: options.method ?? (hasBody ? 'POST' : 'GET'),
        // Only with a body: the server refuses an empty body declared as JSON.
        headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(background?.() ? BACKGROUND : {}), ...options.headers },
        body: hasBody ? JSON.stringify(options.body) : undefined,
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(0, 'sin_conexion', OFFLINE);
    }
    const data = await readJson(response);
    if (response.ok) return data as T;
    const error = toApiError(response.status, data);
    if (error.status === 401 && !options.expectUnauthorized) onUnauthorized?.(error);
    throw error;
  }

  return {
    request,
    get: (path) => request(path),
    post: (path, body, headers) => request(path, { method: 'POST', body, headers }),
    patch: (path, body) => request(path, { method: 'PATCH', body }),
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a proxy's HTML error page: the status alone has to speak
  }
}

function toApiError(status: number, data: unknown): ApiError {
  const body = (data ?? {}) as { error?: unknown; mensaje?: unknown };
  const word = typeof body.error === 'string' ? body.error : 'error_desconocido';
  const mensaje = typeof body.mensaje === 'string' ? body.mensaje : `El servidor respondió con un error (${status}).`;
  return new ApiError(status, word, mensaje);
}
