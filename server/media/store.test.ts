import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaStore } from './store.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-media-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('MediaStore', () => {
  it('names a file by the sha256 of its bytes and stores the same bytes once', async () => {
    const store = new MediaStore(dir);
    const bytes = Buffer.from('%PDF-1.4 hola');
    const sha = await store.put(bytes);
    expect(sha).toBe(MediaStore.sha256(bytes));
    expect(await store.put(Buffer.from(bytes))).toBe(sha);
    expect(fs.readFileSync(store.pathOf(sha)).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual([sha, 'tmp']);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses a name that is not a sha256, so no path can leave the folder', () => {
    const store = new MediaStore(dir);
    expect(() => store.pathOf('../puente.db')).toThrow(/sha256/);
  });

  it('sweep removes orphans and half-written temporaries, and keeps every referenced file', async () => {
    const store = new MediaStore(dir);
    const kept = await store.put(Buffer.from('kept'));
    const orphan = await store.put(Buffer.from('orphan'));
    fs.writeFileSync(path.join(dir, 'tmp', `${orphan}.abc`), 'half');
    fs.writeFileSync(path.join(dir, 'LEEME.txt'), 'not ours');
    expect(await new MediaStore(dir).sweep(new Set([kept]))).toEqual({ temporary: 1, orphans: 1 });
    expect(fs.readdirSync(dir).sort()).toEqual(['LEEME.txt', kept, 'tmp'].sort());
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });
});
