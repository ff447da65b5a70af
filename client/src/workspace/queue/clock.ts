import { createSignal, getOwner, onCleanup, type Accessor } from 'solid-js';

/**
 * One shared 1-second clock for every ticking time on screen (waiting times, window
 * countdowns): a single interval however many rows read it, running only while someone does.
 */
const [now, setNow] = createSignal(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

export function useNow(): Accessor<number> {
  users += 1;
  if (users === 1) {
    setNow(Date.now());
    timer = setInterval(() => setNow(Date.now()), 1000);
  }
  if (getOwner()) {
    onCleanup(() => {
      users -= 1;
      if (users === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    });
  }
  return now;
}
