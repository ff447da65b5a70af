import { Show } from 'solid-js';
import { useMutation } from '@tanstack/solid-query';
import { t, useTitle } from '../i18n.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { Alert, AuthCard, BackToLogin, Field, formValues, Notice, Submit } from '../components.tsx';

export default function Forgot() {
  useTitle('forgot.title');
  const request = useMutation(() => ({
    mutationFn: (input: { email: string }) => trpc.auth.requestReset.mutate(input),
  }));

  const submit = (event: SubmitEvent) => {
    const { email = '' } = formValues(event);
    request.mutate({ email: email.trim() });
  };

  return (
    <AuthCard title={t('forgot.title')}>
      {/* The server answers the same whether or not the e-mail exists. */}
      <Show
        when={request.data}
        fallback={
          <form onSubmit={submit}>
            <Field name="email" type="email" label="login.email" autocomplete="username" />
            <Alert message={request.isError ? errorMessage(request.error) : null} />
            <Submit label="forgot.submit" pending={request.isPending} />
          </form>
        }
      >
        {(answer) => <Notice message={answer().message} />}
      </Show>
      <BackToLogin />
    </AuthCard>
  );
}
