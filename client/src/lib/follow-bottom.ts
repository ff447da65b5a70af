/**
 * Keeps a scrolling log at its newest line while the reader is there (the agent's message
 * list, the widget's log). The reader leaves the bottom only by scrolling up: content that
 * grows between our own scroll and its scroll event (messages arriving quickly, a slow
 * machine) must not count as "scrolled away to read", or the log stops following.
 */
export function bottomFollower(slack = 48) {
  let following = true;
  let lastTop = 0;
  return {
    get following(): boolean {
      return following;
    },
    /** Follow again (e.g. the reader just wrote something). */
    follow(): void {
      following = true;
    },
    /** Stop following (the reader was taken to an older message). */
    stop(): void {
      following = false;
    },
    onScroll(el: Pick<HTMLElement, 'scrollTop' | 'scrollHeight' | 'clientHeight'>): void {
      const top = el.scrollTop;
      if (el.scrollHeight - top - el.clientHeight < slack) following = true;
      else if (top < lastTop) following = false;
      lastTop = top;
    },
    toBottom(el: Pick<HTMLElement, 'scrollTop' | 'scrollHeight'> | undefined): void {
      if (!el || !following) return;
      el.scrollTop = el.scrollHeight;
      lastTop = el.scrollTop;
    },
  };
}
