import { createEffect } from 'solid-js';
import { catalogue } from '../../../i18n/index.ts';

/**
 * The tab's title: "(2) Em espera · Atende". Each screen names itself (`useScreenTitle`);
 * the unread count (customer messages waiting for this agent) is set by whoever counts
 * them (`setUnreadInTitle`). Both parts meet here, so neither overwrites the other.
 */

const APP = catalogue.en['app.name']; // the product's name is the same in every language

let screen = '';
let unread = 0;

/** "(2) Em espera · Atende"; without a count "Em espera · Atende"; without a name "Atende". */
export function composeTitle(name: string, unreadCount: number): string {
  const count = unreadCount > 0 ? `(${unreadCount}) ` : '';
  return `${count}${name ? `${name} · ` : ''}${APP}`;
}

function render(): void {
  if (typeof document !== 'undefined') document.title = composeTitle(screen, unread);
}

/** The current screen's name (already translated). */
function setScreenTitle(name: string): void {
  screen = name;
  render();
}

/** How many unread customer messages to show in front of the title (0: none). */
export function setUnreadInTitle(count: number): void {
  unread = Number.isFinite(count) ? Math.max(0, Math.floor(count)) : 0;
  render();
}

/** Keeps the screen's name in the title while the component lives (reactive: language, contact…). */
export function useScreenTitle(name: () => string): void {
  createEffect(() => setScreenTitle(name()));
}
