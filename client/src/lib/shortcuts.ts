import type { MessageKey } from '../i18n.ts';

/**
 * The workspace's keyboard shortcuts, in one place: which key does what (the list `?`
 * shows), the rule that a key pressed while typing is text and never a shortcut, and the
 * one `keydown` listener that runs them.
 *
 * Screens take part through the page, not through code of their own: a conversation item
 * (a Waiting row, an In service row, a row of a conversation list) carries
 * `data-conversation-id`; the buttons a key presses carry `data-shortcut="claim"` or
 * `data-shortcut="finish"`; the composer is `.cv-composer textarea`.
 */

export interface Shortcut {
  /** `KeyboardEvent.key` values (as typed: `?` is Shift+/ on most layouts). */
  keys: readonly string[];
  label: MessageKey;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['j'], label: 'keys.next' },
  { keys: ['k'], label: 'keys.previous' },
  { keys: ['c'], label: 'keys.claim' },
  { keys: ['r'], label: 'keys.reply' },
  { keys: ['f'], label: 'keys.finish' },
  { keys: ['/'], label: 'keys.search' },
  { keys: ['w'], label: 'keys.waiting' },
  { keys: ['i'], label: 'keys.inService' },
  { keys: ['?'], label: 'keys.help' },
];

/** What the rule needs of an element (an HTMLElement, or a plain object in tests). */
export interface TypingTarget {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  closest?: (selector: string) => unknown;
}

const NOT_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/**
 * Whether keys pressed on `target` are someone typing: text inputs, text areas, selects
 * (letters pick options), anything contenteditable or inside an ARIA textbox (the notes
 * editor, CodeMirror, is both).
 */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as TypingTarget;
  const tag = (el.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NOT_TEXT_INPUTS.has((el.type || 'text').toLowerCase());
  if (el.isContentEditable) return true;
  return typeof el.closest === 'function' && Boolean(el.closest('[contenteditable]:not([contenteditable="false"]), [role="textbox"]'));
}

/** What the rule needs of a key press. */
export interface KeyPress {
  key: string;
  target: unknown;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
}

/**
 * The shortcut a key press stands for, or null when it must stay what it is: typed text,
 * a browser or system chord (Ctrl, Cmd, Alt), an input method composing, a key some control
 * already handled, or anything while a modal dialog is open (the dialog owns the keyboard).
 */
export function shortcutFor(event: KeyPress, modalOpen = false): string | null {
  if (event.defaultPrevented || event.isComposing || modalOpen) return null;
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isTypingTarget(event.target)) return null;
  return SHORTCUTS.some((s) => s.keys.includes(event.key)) ? event.key : null;
}

/** Neighbour in a list: the next (or previous) after `current`; the first (or last) when there is none. */
export function neighbour<T>(list: readonly T[], current: T | undefined, step: 1 | -1): T | undefined {
  if (list.length === 0) return undefined;
  const at = current === undefined ? -1 : list.indexOf(current);
  if (at === -1) return step === 1 ? list[0] : list[list.length - 1];
  return list[Math.min(list.length - 1, Math.max(0, at + step))];
}

// ---- In the page (browser only from here on).

export interface ShortcutActions {
  navigate: (to: string) => void;
  openHelp: () => void;
  /** Conversation ids in the order of the agent's lists (In service, then Waiting), from the cache. */
  conversationOrder: () => string[];
}

const ITEM = '[data-conversation-id]';
const FOCUSABLE = 'a[href], button:not([disabled]), [tabindex]:not([tabindex="-1"])';

const openConversationId = (): string | undefined => /^\/conversations\/([^/?#]+)/.exec(window.location.pathname)?.[1];

function isShown(el: Element): boolean {
  return el instanceof HTMLElement && el.offsetParent !== null;
}

/** The conversation items on screen, in page order, one per conversation. */
function itemsOnScreen(): HTMLElement[] {
  const seen = new Set<string>();
  return [...document.querySelectorAll<HTMLElement>(ITEM)].filter((el) => {
    const id = el.dataset.conversationId!;
    if (!isShown(el) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function focusItem(item: HTMLElement): void {
  const target = item.matches(FOCUSABLE) ? item : item.querySelector<HTMLElement>(FOCUSABLE);
  target?.focus();
  target?.scrollIntoView({ block: 'nearest' });
}

/**
 * j / k. In a conversation: open the next or previous one (in the order of the list beside
 * it, else of the agent's lists). On a list: move the focus to the next or previous row.
 */
function move(step: 1 | -1, actions: ShortcutActions): void {
  const open = openConversationId();
  const items = itemsOnScreen();
  if (open) {
    const ids =
      items.length > 0 && items.some((el) => el.dataset.conversationId === open)
        ? items.map((el) => el.dataset.conversationId!)
        : actions.conversationOrder();
    const next = neighbour(ids, open, step);
    if (next && next !== open) actions.navigate(`/conversations/${next}`);
    return;
  }
  const current = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(ITEM) ?? undefined;
  const next = neighbour(items, current, step);
  if (next) focusItem(next);
}

/** Presses the page's button for `name`: the one in the focused row first, else the page's own. */
function press(name: 'claim' | 'finish'): void {
  const selector = `[data-shortcut="${name}"]`;
  const row = (document.activeElement as HTMLElement | null)?.closest(ITEM);
  const button =
    row?.querySelector<HTMLButtonElement>(selector) ??
    (openConversationId() ? document.querySelector<HTMLButtonElement>(`.cv ${selector}`) : null);
  if (button && !button.disabled) button.click();
}

function focusComposer(): void {
  const box = document.querySelector<HTMLTextAreaElement>('.cv-composer textarea');
  if (box && !box.disabled) box.focus();
}

/** Focuses the page's search box; without one, opens Contacts and focuses its search once shown. */
function search(actions: ShortcutActions): void {
  const find = () => document.querySelector<HTMLInputElement>('.workspace-main input[type="search"]');
  const here = find();
  if (here) {
    here.focus();
    return;
  }
  actions.navigate('/contacts');
  let tries = 0;
  const attempt = () => {
    const box = find();
    if (box) box.focus();
    else if (tries++ < 120) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

const COMMANDS: Record<string, (actions: ShortcutActions) => void> = {
  j: (actions) => move(1, actions),
  k: (actions) => move(-1, actions),
  c: () => press('claim'),
  f: () => press('finish'),
  r: () => focusComposer(),
  '/': (actions) => search(actions),
  w: (actions) => actions.navigate('/'),
  i: (actions) => actions.navigate('/in-service'),
  '?': (actions) => actions.openHelp(),
};

function run(key: string, actions: ShortcutActions): void {
  COMMANDS[key]?.(actions);
}

/** Installs the one keydown listener of the workspace; returns its removal. */
export function startShortcuts(actions: ShortcutActions): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    const key = shortcutFor(event, document.querySelector('dialog[open]') !== null);
    if (!key) return;
    event.preventDefault();
    run(key, actions);
  };
  document.addEventListener('keydown', onKeyDown);
  return () => document.removeEventListener('keydown', onKeyDown);
}
