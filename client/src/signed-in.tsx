import { createEffect, Match, Switch, type ParentProps } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { setLanguage, t } from './i18n.ts';
import { errorMessage, isUnauthorized } from './trpc.ts';
import { meQuery } from './session.ts';
import { useEventStream } from './events.ts';

/** Opens the live stream; mounted only while the session is known to be good. */
function Live(props: { onSignedOut: () => void }) {
  useEventStream(props.onSignedOut);
  return null;
}

/**
 * Layout of every signed-in page: loads `auth.me`, applies the user's language, keeps the
 * live stream open and sends the person to /login when the session is gone.
 */
export default function SignedIn(props: ParentProps) {
  const navigate = useNavigate();
  const me = useQuery(meQuery);
  const toLogin = () => {
    setLanguage(null);
    navigate('/login', { replace: true });
  };

  createEffect(() => {
    if (me.data) setLanguage(me.data.user.language);
  });
  createEffect(() => {
    if (me.isError && !me.isFetching && isUnauthorized(me.error)) toLogin();
  });

  return (
    <Switch fallback={<p class="loading">{t('common.loading')}</p>}>
      <Match when={me.data}>
        <Live onSignedOut={toLogin} />
        {props.children}
      </Match>
      <Match when={me.isError && !isUnauthorized(me.error)}>
        <main class="auth">
          <p class="alert" role="alert">{errorMessage(me.error)}</p>
        </main>
      </Match>
    </Switch>
  );
}
