import { describe, expect, it } from 'vitest';
import { entry } from '../testing/fixtures.ts';
import { mergeNewest } from './entries.ts';

describe('mergeNewest', () => {
  it('replaces the polled range and keeps what was paged back to', () => {
    const held = [entry({ id: 1 }), entry({ id: 2 }), entry({ id: 3, delivery: 'sent' })];
    const merged = mergeNewest(held, [entry({ id: 3, delivery: 'read' }), entry({ id: 4 })]);
    expect(merged.map((e) => [e.id, e.delivery])).toEqual([[1, undefined], [2, undefined], [3, 'read'], [4, undefined]]);
  });

  it('keeps what it holds when a poll brings nothing', () => {
    const held = [entry({ id: 1 })];
    expect(mergeNewest(held, [])).toBe(held);
  });
});
