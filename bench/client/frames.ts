import type { Page } from 'playwright-core';

/** The reference: `n` rows without virtualization, built and laid out in the same page. */
export async function plainRows(page: Page, n: number): Promise<number> {
  return page.evaluate((n) => {
    const sample = document.querySelector('ul[aria-label="Waiting conversations"] > li') as HTMLElement;
    const host = document.createElement('ul');
    host.style.cssText = 'position:absolute;left:0;top:0;width:1000px;list-style:none;margin:0;padding:0;visibility:hidden';
    const start = performance.now();
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < n; i++) {
      const li = sample.cloneNode(true) as HTMLElement;
      li.style.cssText = 'position:static;display:flex;height:112px';
      fragment.appendChild(li);
    }
    host.appendChild(fragment);
    document.body.appendChild(host);
    void host.offsetHeight; // layout
    const took = performance.now() - start;
    host.remove();
    return took;
  }, n);
}

/**
 * Scrolls the list by `stepPx` per frame for `steps` frames (from the top): the time of each
 * frame, the idle frames before it for scale, and the most rows ever in the DOM.
 */
export async function scrollFrames(
  page: Page,
  stepPx: number,
  steps: number,
): Promise<{ frames: number[]; idle: number[]; maxRows: number }> {
  return page.evaluate(
    async ({ stepPx, steps }) => {
      // No named helpers in here: the page would not know tsx's __name wrapper.
      const scroller = document.querySelector('[data-testid="waiting-scroll"]') as HTMLElement;
      scroller.scrollTop = 0;
      const idle: number[] = [];
      let before = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 0; i < 30; i++) {
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        idle.push(now - before);
        before = now;
      }
      const frames: number[] = [];
      let maxRows = 0;
      let last = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 1; i <= steps; i++) {
        scroller.scrollTop = Math.min(scroller.scrollHeight - scroller.clientHeight, i * stepPx);
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        frames.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, document.querySelectorAll('ul[aria-label="Waiting conversations"] > li').length);
      }
      return { frames, idle, maxRows };
    },
    { stepPx, steps },
  );
}

/** Reference for scrolling: the same `n` rows as plain DOM in a scroller of the list's size. */
export async function plainScrollFrames(page: Page, n: number, stepPx: number, steps: number): Promise<number[]> {
  return page.evaluate(
    async ({ n, stepPx, steps }) => {
      const list = document.querySelector('[data-testid="waiting-scroll"]') as HTMLElement;
      const sample = document.querySelector('ul[aria-label="Waiting conversations"] > li') as HTMLElement;
      const box = list.getBoundingClientRect();
      const scroller = document.createElement('div');
      scroller.className = list.className;
      scroller.style.cssText = `position:fixed;left:${box.left}px;top:${box.top}px;width:${box.width}px;height:${box.height}px;overflow-y:auto;z-index:10;background:white`;
      const ul = document.createElement('ul');
      ul.style.cssText = 'list-style:none;margin:0;padding:0';
      for (let i = 0; i < n; i++) {
        const li = sample.cloneNode(true) as HTMLElement;
        li.style.cssText = 'position:static;display:flex;height:112px';
        ul.appendChild(li);
      }
      scroller.appendChild(ul);
      document.body.appendChild(scroller);
      void scroller.offsetHeight;
      await new Promise<number>((r) => requestAnimationFrame(r));
      const frames: number[] = [];
      let last = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 1; i <= steps; i++) {
        scroller.scrollTop = i * stepPx;
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        frames.push(now - last);
        last = now;
      }
      scroller.remove();
      return frames;
    },
    { n, stepPx, steps },
  );
}
