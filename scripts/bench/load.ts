import autocannon from 'autocannon';
import { mean, percentile } from './stats.ts';

export interface LoadResult {
  /** 2xx responses per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  meanMs: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  statusCodes: Record<string, number>;
}

export interface LoadOptions {
  port: number;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** One entry per request of a cycle; each connection walks the cycle in order. */
  paths: string[] | (() => string);
  /** Called for every request, so each one carries a different body. */
  body?: () => string;
}

/**
 * Closed-loop load with autocannon (in this process). Latencies are kept raw from its `response`
 * events: its own histogram has 1 ms resolution, too coarse for sub-millisecond baselines.
 */
export function hammer(options: LoadOptions): Promise<LoadResult> {
  const method = options.method ?? 'GET';
  const headers = { ...options.headers, ...(options.body ? { 'content-type': 'application/json' } : {}) };
  const cycle = typeof options.paths === 'function' ? [options.paths] : options.paths.map((p) => () => p);
  const requests = cycle.map((pathOf) => ({
    method,
    headers,
    setupRequest: (request: autocannon.Request) => ({
      ...request,
      path: pathOf(),
      ...(options.body ? { body: options.body() } : {}),
    }),
  }));
  const latencies: number[] = [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${options.port}`,
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
        requests,
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = (performance.now() - started) / 1000;
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
        resolve({
          rps: latencies.length / seconds,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          meanMs: mean(latencies),
          ok: latencies.length,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}
