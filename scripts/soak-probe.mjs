// Loaded into the soaked service (NODE_OPTIONS=--import): every SOAK_PROBE_MS it collects garbage
// and appends the process's memory and active handles to SOAK_PROBE_FILE, one JSON line each.
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';

const file = process.env.SOAK_PROBE_FILE;
// NODE_OPTIONS reaches worker threads too (tsx's module-hooks thread among them): their few-MB
// heaps interleaved with the service's in one file made the printed figures and the slope wrong.
if (file && isMainThread) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const every = Number(process.env.SOAK_PROBE_MS ?? 60_000);
  const sample = () => {
    gc(); // heap after a full collection: what is still referenced, not what is waiting to be freed
    const memory = process.memoryUsage();
    const line = { at: Date.now(), rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, handles: process.getActiveResourcesInfo().length };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  setTimeout(sample, 1_000).unref();
  setInterval(sample, every).unref();
}
