import { Show, type ParentProps } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { setLanguage, t, tValue, useTitle } from '../../i18n.ts';
import { trpc } from '../../trpc.ts';
import { meQuery } from '../../session.ts';

/** `status` is a word (online/paused/offline), or an object carrying it as `state`. */
function statusName(status: unknown): string {
  if (typeof status === 'string') return status;
  if (status && typeof status === 'object' && 'state' in status) return String(status.state);
  return '';
}

/** Who am I: the first signed-in page (the workspace grows from here). */
export default function Workspace(props: ParentProps) {
  useTitle('home.title');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);

  const logout = useMutation(() => ({
    mutationFn: () => trpc.auth.logout.mutate(),
    // Signed out either way: even if the call failed, this tab forgets the session.
    onSettled: () => {
      navigate('/login', { replace: true });
      queryClient.clear();
      setLanguage(null);
    },
  }));

  return (
    <Show when={me.data}>
      {(data) => (
        <>
          <header class="topbar">
            <span class="brand">{t('app.name')}</span>
            <span class="muted">{data().organization.name}</span>
            <button type="button" class="secondary" disabled={logout.isPending} onClick={() => logout.mutate()}>
              {t('home.logout')}
            </button>
          </header>
          {props.children}
          <main class="page">
            <h1>{t('home.title')}</h1>
            <ul class="facts">
              <li>{t('home.signedInAs', { name: data().user.name, email: data().user.email })}</li>
              <li>{t('home.organization', { org: data().organization.name })}</li>
              <li>{t('home.role', { role: tValue('role', data().user.role) })}</li>
              <li>
                {t('home.teams', {
                  teams: data().teams.map((team) => team.name).join(', ') || t('common.none'),
                })}
              </li>
              <li>{t('home.status', { status: tValue('status', statusName(data().status)) })}</li>
            </ul>
          </main>
        </>
      )}
    </Show>
  );
}
