import { createSignal, getOwner, onCleanup, type Accessor } from 'solid-js';

/**
 * The one 1-second clock of the app for every ticking time on screen (waiting times, window
 * countdowns, pause time left, the monitor): a single interval however many components read
 * it, running only while at least one of them lives.
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
