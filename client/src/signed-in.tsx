import { createEffect, createSignal, Match, onCleanup, onMount, Switch, type ParentProps } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { setLanguage, t } from './i18n.ts';
import { errorCode, errorMessage, isUnauthorized } from './trpc.ts';
import { fetchMe, meQuery, type Me } from './session.ts';
import { keys } from './lib/keys.ts';
import { useEventStream } from './events.ts';
import { onReconnect } from './offline/connection.ts';
import { lastUserId, persistQueryCache, restoreQueryCache, setLastUserId } from './offline/persist.ts';
import { wipeLocalData } from './offline/wipe.ts';

/** Opens the live stream; mounted only while the session is known to be good. */
function Live(props: { onSignedOut: () => void }) {
  useEventStream(props.onSignedOut);
  return null;
}

type Session = { userId: string; confirmed: boolean };

/**
 * Layout of every signed-in page. Asks the server who is signed in; with an answer, that
 * user's saved queries are restored and kept saved (per user). Without one (no network),
 * the last user this browser confirmed gets their saved data, marked offline, until the
 * server answers again. A session found gone wipes the user's local data and goes to /login.
 */
export default function SignedIn(props: ParentProps) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [session, setSession] = createSignal<Session | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const me = useQuery(() => ({ ...meQuery(), enabled: session()?.confirmed === true }));
  let stopPersist: (() => void) | undefined;
  let leaving = false;

  const toLogin = async () => {
    if (leaving) return;
    leaving = true;
    const userId = session()?.userId ?? lastUserId();
    setLanguage(null);
    navigate('/login', { replace: true });
    if (userId) await wipeLocalData(userId, queryClient);
  };

  const begin = (userId: string, confirmed: boolean) => {
    stopPersist?.();
    stopPersist = persistQueryCache(queryClient, userId);
    setSession({ userId, confirmed });
  };

  const check = async () => {
    let answer: Me;
    try {
      answer = await fetchMe();
    } catch (error) {
      if (isUnauthorized(error)) return void toLogin();
      if (session()) return; // already showing saved data; try again on reconnect
      const last = lastUserId();
      if (errorCode(error) === undefined && last && (await restoreQueryCache(queryClient, last))) {
        const saved = queryClient.getQueryData<Me>(keys.me);
        if (saved?.user.id === last) return begin(last, false);
      }
      setFailure(error);
      return;
    }
    const current = session();
    if (current && current.userId !== answer.user.id) {
      // Another person signed in meanwhile (in another tab): start over as them.
      location.reload();
      return;
    }
    if (!current && lastUserId() === answer.user.id) await restoreQueryCache(queryClient, answer.user.id);
    queryClient.setQueryData(keys.me, answer);
    setLastUserId(answer.user.id);
    setFailure(null);
    begin(answer.user.id, true);
  };

  onMount(() => void check());
  const offReconnect = onReconnect(() => {
    if (!session()?.confirmed) void check();
  });
  onCleanup(() => {
    offReconnect();
    stopPersist?.();
  });

  createEffect(() => {
    if (me.data) setLanguage(me.data.user.language);
  });
  createEffect(() => {
    if (me.isError && !me.isFetching && isUnauthorized(me.error)) void toLogin();
  });

  return (
    <Switch fallback={<p class="loading">{t('common.loading')}</p>}>
      <Match when={session()}>
        <Live onSignedOut={() => void toLogin()} />
        {props.children}
      </Match>
      <Match when={failure()}>
        <main class="auth">
          <p class="alert" role="alert">
            {errorMessage(failure())}
          </p>
        </main>
      </Match>
    </Switch>
  );
}
