/** Exact percentiles from raw samples (autocannon's histogram rounds latencies to whole ms). */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function mean(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i];
  return samples.length ? sum / samples.length : Number.NaN;
}

/** Runs `work` `runs` times one after another (after `warm` unrecorded runs); microseconds each. */
export async function timeSequential(runs: number, warm: number, work: (i: number) => unknown): Promise<number[]> {
  for (let i = 0; i < warm; i++) await work(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await work(warm + i);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(25);
  }
  return false;
}
