import { describe, expect, it } from 'vitest';
import { TimeoutError, withTimeout } from './timeout.ts';

describe('withTimeout', () => {
  it('passes the result through when the work finishes in time', async () => {
    await expect(withTimeout(Promise.resolve('listo'), 1000)).resolves.toBe('listo');
  });

  it('rejects with a TimeoutError when it does not', async () => {
    await expect(withTimeout(new Promise(() => {}), 5)).rejects.toBeInstanceOf(TimeoutError);
  });

  it("passes the work's own failure through", async () => {
    await expect(withTimeout(Promise.reject(new Error('falló')), 1000)).rejects.toThrow('falló');
  });
});
