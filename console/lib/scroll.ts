/** How close to the bottom (px) still counts as "reading the latest messages". */
export const STICK_THRESHOLD = 150;

export interface Scrollable {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

export function isNearBottom(el: Scrollable, threshold = STICK_THRESHOLD): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight <= threshold;
}

/**
 * Follows new messages only while the technician is at the bottom: someone scrolled up to read
 * an old message must not be yanked down by every refresh. `observe` runs on every scroll, so
 * when new messages render, the decision uses where the reader was before they arrived (new
 * content changes scrollHeight without firing a scroll event).
 */
export function createStickToBottom(threshold = STICK_THRESHOLD) {
  let stick = true;
  return {
    observe(el: Scrollable) {
      stick = isNearBottom(el, threshold);
    },
    afterUpdate(el: Scrollable, force = false) {
      if (stick || force) el.scrollTop = el.scrollHeight;
    },
  };
}
