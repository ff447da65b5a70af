import { createSignal, onCleanup } from 'solid-js';

/** Phones and narrow windows get the bottom tabs and the side menu instead of the rail. */
const NARROW_QUERY = '(max-width: 720px)';

/** True while the media query matches; follows rotation and resizing. */
export function useMediaQuery(query: string): () => boolean {
  const media = typeof window !== 'undefined' && 'matchMedia' in window ? window.matchMedia(query) : null;
  const [matches, setMatches] = createSignal(media?.matches ?? false);
  if (media) {
    const change = (event: MediaQueryListEvent) => setMatches(event.matches);
    media.addEventListener('change', change);
    onCleanup(() => media.removeEventListener('change', change));
  }
  return matches;
}

/** True while the window is phone-sized. */
export const useNarrow = (): (() => boolean) => useMediaQuery(NARROW_QUERY);
