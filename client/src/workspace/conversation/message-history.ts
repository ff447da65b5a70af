import { createEffect, createSignal, on, untrack, type Accessor } from 'solid-js';
import { errorMessage, trpc } from '../../trpc.ts';
import type { ConversationMessage } from '../queue/types.ts';
import { gapBelow, mergeBySeq, withNewest } from './message-pages.ts';

/** The newest page as conversations.get carries it. */
export interface NewestPage {
  messages: readonly ConversationMessage[];
  hasOlder: boolean;
}

/**
 * A conversation's messages on screen: the newest page (kept fresh by the query cache, which
 * live events refetch) with the older pages the agent scrolled back to, or jumped back to
 * (`?message=`, a search hit). Lives as long as the conversation's screen.
 */
export function useMessageHistory(
  conversationId: Accessor<string>,
  newest: Accessor<NewestPage | undefined>,
  jumpTo: Accessor<string | undefined>,
) {
  const [loaded, setLoaded] = createSignal<ConversationMessage[]>([]);
  // Whether messages older than loaded()[0] exist, once older pages were loaded (else the newest page says).
  const [olderLeft, setOlderLeft] = createSignal(true);
  const [loading, setLoading] = createSignal(false);
  const [problem, setProblem] = createSignal<'paging.olderFailed' | null>(null);
  const [target, setTarget] = createSignal<string | null>(null);

  const fetchPage = (input: { before?: string; until?: string }) =>
    trpc.conversations.messages.query({ conversationId: conversationId(), ...input });

  const hasOlder = () => {
    const first = loaded()[0];
    const page = newest();
    if (!first || !page) return false;
    return first.seq === page.messages[0]?.seq ? page.hasOlder : olderLeft();
  };

  createEffect(
    on(newest, (page) => {
      if (!page) return;
      const before = untrack(loaded);
      const top = before.at(-1);
      setLoaded(withNewest(before, page.messages));
      // More than a page arrived since the last refetch: fetch back down to what was loaded.
      if (top && gapBelow(before, page.messages, page.hasOlder)) {
        const floor = page.messages[0]!;
        fetchPage({ before: floor.id, until: top.id }).then(
          (filled) => setLoaded((now) => mergeBySeq(filled.messages, now)),
          // Start over from the newest page; paging back reaches the older ones again.
          () => setLoaded((now) => now.filter((m) => m.seq >= floor.seq)),
        );
      }
    }),
  );

  /** Loads the page just older than what is shown (the agent scrolled to the top). */
  async function loadOlder(): Promise<void> {
    const first = loaded()[0];
    if (loading() || !first || !hasOlder()) return;
    setLoading(true);
    setProblem(null);
    try {
      const older = await fetchPage({ before: first.id });
      setLoaded((now) => mergeBySeq(older.messages, now));
      setOlderLeft(older.hasOlder);
    } catch {
      setProblem('paging.olderFailed');
    } finally {
      setLoading(false);
    }
  }

  // `?message=`: load back down to that message once the newest page is here, then show it.
  const [jumpError, setJumpError] = createSignal<string | null>(null);
  let jumped: string | undefined;
  createEffect(() => {
    const id = jumpTo();
    const page = newest();
    if (!id || !page || jumped === id) return;
    jumped = id;
    if (untrack(loaded).some((m) => m.id === id)) {
      setTarget(id);
      return;
    }
    setLoading(true);
    const first = untrack(loaded)[0];
    void (async () => {
      try {
        const back = await fetchPage({ until: id, before: first?.id });
        setLoaded((now) => mergeBySeq(back.messages, now));
        setOlderLeft(back.hasOlder);
        setTarget(id);
      } catch (e) {
        setJumpError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    })();
  });

  return {
    // Until the first page is taken in (an effect, after the first render), show it as it is.
    messages: (): readonly ConversationMessage[] => {
      const page = newest();
      return loaded().length === 0 && page ? page.messages : loaded();
    },
    hasOlder,
    loading,
    /** Set when older messages could not be loaded (the next scroll up tries again). */
    problem,
    /** The server's sentence when `?message=` could not be shown. */
    jumpError,
    /** The message to scroll to and highlight (from `?message=`). */
    target,
    loadOlder,
  };
}
