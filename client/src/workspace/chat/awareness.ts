import { createComputed, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { SharedDoc } from '../../lib/ydoc.ts';

/**
 * Yjs awareness as Solid signals ("connected", "viewing", "typing": never stored, SPEC §7).
 * The awareness counterpart of `useYStore`: components read signals, only this module
 * listens to the awareness object.
 *
 * Our local state on a document: `{ user: { id, name }, viewing: boolean, typing: number }`,
 * `typing` being the time of the last keystroke (ms) or 0. The user id a peer claims is only
 * used to look its name up in the server's record (the agents list); the sync server keeps
 * each connection to its own awareness entries.
 */
export interface Person {
  id: string;
  name: string;
}

interface LocalState {
  user: Person;
  viewing: boolean;
  typing: number;
}

export interface Peer {
  clientId: number;
  user: Person;
  viewing: boolean;
  typing: boolean;
}

/** A peer's "typing" lasts this long after the last change we received (covers a crashed tab). */
const TYPING_TTL_MS = 6_000;
/** Our own "typing" ends this long after the last keystroke. */
export const TYPING_IDLE_MS = 5_000;
/** While typing, the timestamp is refreshed at most this often (each refresh is one small message). */
const TYPING_REFRESH_MS = 2_000;

interface Held {
  holders: number;
  viewers: number;
  typingTimer?: ReturnType<typeof setTimeout>;
  typingSentAt: number;
}
const held = new WeakMap<SharedDoc, Held>();

const visible = () => typeof document === 'undefined' || document.visibilityState === 'visible';

function localState(sd: SharedDoc): Partial<LocalState> | null {
  return sd.awareness.getLocalState() as Partial<LocalState> | null;
}

/**
 * Announces me on a document while held (several components of one tab may hold the same
 * document: the state goes away when the last lets go). `viewing` holders count as viewing
 * while the tab is visible. Returns the release.
 */
export function holdLocalState(sd: SharedDoc, me: Person, viewing: boolean): () => void {
  let h = held.get(sd);
  if (!h) {
    h = { holders: 0, viewers: 0, typingSentAt: 0 };
    held.set(sd, h);
  }
  const entry = h;
  entry.holders += 1;
  if (viewing) entry.viewers += 1;
  const current = localState(sd);
  const next: LocalState = {
    user: { id: me.id, name: me.name },
    viewing: entry.viewers > 0 && visible(),
    typing: typeof current?.typing === 'number' ? current.typing : 0,
  };
  if (!current || current.user?.id !== me.id || current.user?.name !== me.name || current.viewing !== next.viewing)
    sd.awareness.setLocalState(next);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    entry.holders -= 1;
    if (viewing) entry.viewers -= 1;
    if (entry.holders <= 0) {
      clearTimeout(entry.typingTimer);
      held.delete(sd);
      sd.awareness.setLocalState(null);
    } else if (entry.viewers <= 0 && localState(sd)?.viewing) {
      sd.awareness.setLocalStateField('viewing', false);
    }
  };
}

/** Re-announces "viewing" when the tab is shown or hidden. */
function refreshViewing(sd: SharedDoc): void {
  const h = held.get(sd);
  const state = localState(sd);
  if (!h || !state) return;
  const v = h.viewers > 0 && visible();
  if (state.viewing !== v) sd.awareness.setLocalStateField('viewing', v);
}

/** A keystroke (on) or a send / blur (off). Typing ends by itself after TYPING_IDLE_MS. */
export function setTypingOn(sd: SharedDoc, on: boolean): void {
  const h = held.get(sd);
  const state = localState(sd);
  if (!h || !state) return;
  clearTimeout(h.typingTimer);
  if (on) {
    const now = Date.now();
    if (!state.typing || now - h.typingSentAt >= TYPING_REFRESH_MS) {
      h.typingSentAt = now;
      sd.awareness.setLocalStateField('typing', now);
    }
    h.typingTimer = setTimeout(() => setTypingOn(sd, false), TYPING_IDLE_MS);
  } else if (state.typing) {
    h.typingSentAt = 0;
    sd.awareness.setLocalStateField('typing', 0);
  }
}

function readPerson(value: unknown): Person | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && v.id ? { id: v.id, name: typeof v.name === 'string' ? v.name : '' } : null;
}

/**
 * The other clients' awareness on a document, as a signal. `typing` already accounts for the
 * expiry (a 1-second tick runs only while someone is typing).
 */
function useAwarenessPeers(shared: Accessor<SharedDoc | null>): Accessor<Peer[]> {
  const [raw, setRaw] = createSignal<{ clientId: number; state: Record<string, unknown> }[]>([]);
  const [now, setNow] = createSignal(Date.now());
  /** Local time at which each client's `typing` value last changed. */
  const typingSeen = new Map<number, { value: number; at: number }>();
  let detach: (() => void) | null = null;

  const read = (sd: SharedDoc) => {
    const list: { clientId: number; state: Record<string, unknown> }[] = [];
    for (const [clientId, state] of sd.awareness.getStates()) {
      if (clientId === sd.awareness.clientID || !state) continue;
      const typing = typeof state.typing === 'number' ? state.typing : 0;
      const seen = typingSeen.get(clientId);
      if (!seen || seen.value !== typing) typingSeen.set(clientId, { value: typing, at: Date.now() });
      list.push({ clientId, state: state as Record<string, unknown> });
    }
    for (const id of [...typingSeen.keys()]) if (!sd.awareness.getStates().has(id)) typingSeen.delete(id);
    setNow(Date.now());
    setRaw(list);
  };

  createComputed(() => {
    const sd = shared();
    detach?.();
    detach = null;
    typingSeen.clear();
    if (!sd) {
      setRaw([]);
      return;
    }
    const onChange = () => read(sd);
    sd.awareness.on('change', onChange);
    detach = () => sd.awareness.off('change', onChange);
    read(sd);
  });

  const peers = createMemo<Peer[]>(() => {
    const at = now();
    return raw().flatMap(({ clientId, state }) => {
      const user = readPerson(state.user);
      if (!user) return [];
      const seen = typingSeen.get(clientId);
      const typing = typeof state.typing === 'number' && state.typing > 0 && !!seen && at - seen.at < TYPING_TTL_MS;
      return [{ clientId, user, viewing: state.viewing === true, typing }];
    });
  });

  // Expiring "typing" needs time to pass: tick only while someone is typing.
  let tick: ReturnType<typeof setInterval> | undefined;
  createComputed(() => {
    const anyTyping = raw().some(({ state }) => typeof state.typing === 'number' && state.typing > 0);
    if (anyTyping && !tick) tick = setInterval(() => setNow(Date.now()), 1_000);
    if (!anyTyping && tick) {
      clearInterval(tick);
      tick = undefined;
    }
  });

  onCleanup(() => {
    detach?.();
    clearInterval(tick);
  });
  return peers;
}

/** Distinct people among peers (one per user, whatever their tabs), minus me, named by the server's record. */
export function distinctPeople(peers: Peer[], meId: string | undefined, names: Map<string, string>, keep: (p: Peer) => boolean): Person[] {
  const out = new Map<string, Person>();
  for (const p of peers) {
    if (p.user.id === meId || !keep(p) || out.has(p.user.id)) continue;
    out.set(p.user.id, { id: p.user.id, name: names.get(p.user.id) ?? p.user.name });
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Inside a component: announces me on the document while it is shown (as viewing when
 * `viewing`), and gives the others who are viewing / typing, plus setTyping for a composer.
 */
export function useDocAwareness(
  shared: Accessor<SharedDoc | null>,
  me: Accessor<Person | null | undefined>,
  names: Accessor<Map<string, string>>,
  opts: { viewing: boolean },
) {
  let release: (() => void) | null = null;
  let holding: SharedDoc | null = null;
  // Re-announce only when the person really changes (a refetched `me` is a new object).
  const who = createMemo(() => {
    const p = me();
    return p ? `${p.id}\n${p.name}` : null;
  });
  createComputed(() => {
    const sd = shared();
    const key = who();
    const [id, name] = key ? key.split('\n') : [];
    release?.();
    release = null;
    holding = null;
    if (sd && id && name !== undefined) {
      release = holdLocalState(sd, { id, name }, opts.viewing);
      holding = sd;
    }
  });
  const onVisibility = () => {
    if (holding) refreshViewing(holding);
  };
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);
  onCleanup(() => {
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
    release?.();
    release = null;
    holding = null;
  });

  const peers = useAwarenessPeers(shared);
  const viewers = createMemo(() => distinctPeople(peers(), me()?.id, names(), (p) => p.viewing), [], { equals: samePeople });
  const typers = createMemo(() => distinctPeople(peers(), me()?.id, names(), (p) => p.typing), [], { equals: samePeople });
  return {
    peers,
    viewers,
    typers,
    setTyping(on: boolean) {
      if (holding) setTypingOn(holding, on);
    },
  };
}

function samePeople(a: Person[], b: Person[]): boolean {
  return a.length === b.length && a.every((p, i) => p.id === b[i]!.id && p.name === b[i]!.name);
}

/** "Ana", "Ana and Bruno", "Ana, Bruno and Carla". */
export function joinNames(names: string[], and: (first: string, last: string) => string): string {
  if (names.length <= 1) return names[0] ?? '';
  return and(names.slice(0, -1).join(', '), names.at(-1)!);
}
