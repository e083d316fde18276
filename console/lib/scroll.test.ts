import { describe, expect, it } from 'vitest';
import { createStickToBottom, isNearBottom } from './scroll.ts';

/** A list 1000 px tall in a 300 px window, scrolled to `top`. */
const box = (top: number) => ({ scrollTop: top, scrollHeight: 1000, clientHeight: 300 });

describe('the scroll rule', () => {
  it('counts up to 150 px from the bottom as "at the bottom"', () => {
    expect(isNearBottom(box(700))).toBe(true);
    expect(isNearBottom(box(550))).toBe(true);
    expect(isNearBottom(box(549))).toBe(false);
  });

  it('follows new messages when the reader was near the bottom', () => {
    const follower = createStickToBottom();
    const list = box(600);
    follower.observe(list);
    list.scrollHeight = 1200; // new messages arrived
    follower.afterUpdate(list);
    expect(list.scrollTop).toBe(1200);
  });

  it('leaves a reader who scrolled up where they are', () => {
    const follower = createStickToBottom();
    const list = box(100);
    follower.observe(list);
    list.scrollHeight = 1200;
    follower.afterUpdate(list);
    expect(list.scrollTop).toBe(100);
  });

  it('starts at the bottom when the conversation first loads', () => {
    const list = { scrollTop: 0, scrollHeight: 2000, clientHeight: 300 };
    createStickToBottom().afterUpdate(list);
    expect(list.scrollTop).toBe(2000);
  });
});
