import { createSignal, onCleanup } from 'solid-js';

/** Phones and narrow windows get the bottom tabs and the side menu instead of the rail. */
export const NARROW_QUERY = '(max-width: 720px)';

/** True while the window is phone-sized; follows rotation and resizing. */
export function useNarrow(): () => boolean {
  const media = typeof window !== 'undefined' && 'matchMedia' in window ? window.matchMedia(NARROW_QUERY) : null;
  const [narrow, setNarrow] = createSignal(media?.matches ?? false);
  if (media) {
    const change = (event: MediaQueryListEvent) => setNarrow(event.matches);
    media.addEventListener('change', change);
    onCleanup(() => media.removeEventListener('change', change));
  }
  return narrow;
}
