import { startAuthentication } from '@simplewebauthn/browser';
import { useMutation, useQuery } from '@tanstack/solid-query';
import { createResource, createSignal, For, Match, onMount, Show, Switch } from 'solid-js';
import { t } from '../i18n.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { Alert, AuthCard, formValues, Submit } from '../components.tsx';

type Step = 'verify' | 'enroll';

/** The browser's passkey prompt closed without an answer (said in words, not as a server refusal). */
class PasskeyPromptFailed extends Error {}

/**
 * The second step of a sign-in, after a right password: a code from the authenticator app, a
 * recovery code or a passkey — or, when the organization requires a factor the person does not
 * have yet, setting up the app. The server holds the step (its own cookie); nothing else of
 * the app answers until it passes.
 */
export default function SecondStep(props: { step: Step; onDone: () => void; onCancel: () => void }) {
  const cancel = useMutation(() => ({ mutationFn: () => trpc.secondStep.cancel.mutate(), onSettled: () => props.onCancel() }));
  return (
    <AuthCard title={t(props.step === 'enroll' ? 'twofactor.enroll.title' : 'twofactor.step.title')}>
      <Switch>
        <Match when={props.step === 'verify'}>
          <Verify onDone={props.onDone} />
        </Match>
        <Match when={props.step === 'enroll'}>
          <Enroll onDone={props.onDone} />
        </Match>
      </Switch>
      <button type="button" class="link" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
        {t('twofactor.step.cancel')}
      </button>
    </AuthCard>
  );
}

function Verify(props: { onDone: () => void }) {
  const [recovery, setRecovery] = createSignal(false);
  const [passkeyProblem, setPasskeyProblem] = createSignal<string | null>(null);
  const state = useQuery(() => ({ queryKey: ['second-step'], queryFn: () => trpc.secondStep.state.query(), retry: false }));
  const verify = useMutation(() => ({
    mutationFn: (code: string) => trpc.secondStep.verify.mutate({ code }),
    onSuccess: () => props.onDone(),
  }));
  const passkey = useMutation(() => ({
    mutationFn: async () => {
      setPasskeyProblem(null);
      const optionsJSON = await trpc.secondStep.passkeyOptions.mutate();
      let response: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        response = await startAuthentication({ optionsJSON });
      } catch {
        // The person closed the browser's prompt, or no authenticator answered.
        throw new PasskeyPromptFailed(t('twofactor.step.passkeyFailed'));
      }
      return trpc.secondStep.passkey.mutate({ response });
    },
    onSuccess: () => props.onDone(),
    onError: (error) => setPasskeyProblem(error instanceof PasskeyPromptFailed ? error.message : errorMessage(error)),
  }));

  const submit = (event: SubmitEvent) => {
    const { code = '' } = formValues(event);
    verify.mutate(code.trim());
  };

  return (
    <>
      <form onSubmit={submit}>
        <p class="muted">{t(recovery() ? 'twofactor.step.recoveryHint' : 'twofactor.step.codeHint')}</p>
        <div class="field">
          <label for="second-step-code">{t(recovery() ? 'twofactor.step.recoveryCode' : 'twofactor.step.code')}</label>
          <input
            id="second-step-code"
            name="code"
            required
            autocomplete={recovery() ? 'off' : 'one-time-code'}
            inputMode={recovery() ? 'text' : 'numeric'}
            maxLength={64}
          />
        </div>
        <Alert message={verify.isError ? errorMessage(verify.error) : passkeyProblem()} />
        <Submit label="twofactor.step.submit" pending={verify.isPending} />
      </form>
      <Show when={state.data?.methods.recoveryCode || recovery()}>
        <button type="button" class="link" onClick={() => setRecovery(!recovery())}>
          {t(recovery() ? 'twofactor.step.useCode' : 'twofactor.step.useRecovery')}
        </button>
      </Show>
      <Show when={state.data?.methods.passkey}>
        <button type="button" onClick={() => passkey.mutate()} disabled={passkey.isPending} aria-busy={passkey.isPending}>
          {t('twofactor.step.usePasskey')}
        </button>
      </Show>
    </>
  );
}

function Enroll(props: { onDone: () => void }) {
  const start = useMutation(() => ({ mutationFn: () => trpc.secondStep.enrollStart.mutate() }));
  const confirm = useMutation(() => ({ mutationFn: (code: string) => trpc.secondStep.enrollConfirm.mutate({ code }) }));
  onMount(() => start.mutate());
  const submit = (event: SubmitEvent) => {
    const { code = '' } = formValues(event);
    confirm.mutate(code.trim());
  };
  return (
    <Show
      when={confirm.data}
      fallback={
        <>
          <p>{t('twofactor.enroll.required')}</p>
          <Alert message={start.isError ? errorMessage(start.error) : null} />
          <Show when={start.data}>{(secret) => <TotpSecret uri={secret().uri} keyText={secret().key} />}</Show>
          <form onSubmit={submit}>
            <div class="field">
              <label for="enroll-code">{t('twofactor.step.code')}</label>
              <input id="enroll-code" name="code" required autocomplete="one-time-code" inputMode="numeric" maxLength={8} />
            </div>
            <Alert message={confirm.isError ? errorMessage(confirm.error) : null} />
            <Submit label="twofactor.enroll.confirm" pending={confirm.isPending} />
          </form>
        </>
      }
    >
      {(done) => <RecoveryCodes codes={done().recoveryCodes} onDone={props.onDone} />}
    </Show>
  );
}

/** The otpauth:// link as a QR code for a phone's camera (its generator loads only here). */
function TotpQr(props: { uri: string }) {
  const [svg] = createResource(
    () => props.uri,
    async (uri) => (await import('uqr')).renderSVG(uri, { ecc: 'M', pixelSize: 5, border: 2 }),
  );
  return (
    <Show when={svg()}>
      {/* The SVG is uqr's output for our own link: squares only, no text of the link in it. */}
      <div class="totp-qr" role="img" aria-label={t('twofactor.enroll.qr')} data-testid="totp-qr" innerHTML={svg()} />
    </Show>
  );
}

/** The secret for the authenticator app: a QR code to scan, the otpauth:// link (opens the app on a phone) and the key to type by hand. */
export function TotpSecret(props: { uri: string; keyText: string }) {
  return (
    <div class="totp-secret">
      <p class="muted">{t('twofactor.enroll.scan')}</p>
      <TotpQr uri={props.uri} />
      <p>
        <a href={props.uri}>{t('twofactor.enroll.openApp')}</a>
      </p>
      <p>
        {t('twofactor.enroll.key')}: <code data-testid="totp-key">{props.keyText}</code>
      </p>
    </div>
  );
}

/** Recovery codes, shown once. */
export function RecoveryCodes(props: { codes: string[]; onDone: () => void }) {
  return (
    <div class="recovery-codes" role="status">
      <h2>{t('twofactor.recovery.title')}</h2>
      <p>{t('twofactor.recovery.once')}</p>
      <ul data-testid="recovery-codes">
        <For each={props.codes}>
          {(code) => (
            <li>
              <code>{code}</code>
            </li>
          )}
        </For>
      </ul>
      <button type="button" class="primary" onClick={() => props.onDone()}>
        {t('twofactor.recovery.done')}
      </button>
    </div>
  );
}
