import { A, useNavigate } from '@solidjs/router';
import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { t, useTitle } from '../i18n.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { keys } from '../lib/keys.ts';
import { Alert, AuthCard, Field, formValues, Submit } from '../components.tsx';

export default function Login() {
  useTitle('login.title');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const login = useMutation(() => ({
    mutationFn: (input: { email: string; password: string }) => trpc.auth.login.mutate(input),
    onSuccess: () => {
      // Drop any cached "signed out" answer so the home page asks again.
      queryClient.removeQueries({ queryKey: keys.me });
      navigate('/', { replace: true });
    },
  }));

  const submit = (event: SubmitEvent) => {
    const { email = '', password = '' } = formValues(event);
    login.mutate({ email: email.trim(), password });
  };

  return (
    <AuthCard title={t('login.title')}>
      <form onSubmit={submit}>
        <Field name="email" type="email" label="login.email" autocomplete="username" />
        <Field name="password" type="password" label="login.password" autocomplete="current-password" />
        <Alert message={login.isError ? errorMessage(login.error) : null} />
        <Submit label="login.submit" pending={login.isPending} />
      </form>
      <A class="link" href="/forgot">
        {t('login.forgot')}
      </A>
    </AuthCard>
  );
}
