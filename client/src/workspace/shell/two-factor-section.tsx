import { startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, For, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { Alert, formValues, Notice } from '../../components.tsx';
import { RecoveryCodes, TotpSecret } from '../../pages/second-step.tsx';

const STATUS = ['twofactor', 'status'] as const;

/** The browser's passkey prompt closed without an answer. */
class PasskeyPromptFailed extends Error {}

const when = (d: Date | string) => new Date(d).toLocaleDateString();

/**
 * "Two-factor sign-in" on the profile: the authenticator app (set up, turn off), the recovery
 * codes (how many are left, new ones), and passkeys (add, remove). Removing a factor asks for
 * the password; the server enforces it, and the organization's requirement.
 */
export default function TwoFactorSection() {
  const queryClient = useQueryClient();
  const status = useQuery(() => ({ queryKey: STATUS, queryFn: () => trpc.twofactor.status.query() }));
  const [codes, setCodes] = createSignal<string[] | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: STATUS });
  const action = <I, O>(fn: (input: I) => Promise<O>, after: (out: O) => void) =>
    useMutation(() => ({
      mutationFn: fn,
      onMutate: () => {
        setNotice(null);
        setProblem(null);
      },
      onSuccess: (out: O) => {
        after(out);
        void refresh();
      },
      onError: (error: unknown) => setProblem(error instanceof PasskeyPromptFailed ? error.message : errorMessage(error)),
    }));

  const start = action(
    () => trpc.twofactor.totpStart.mutate(),
    () => {},
  );
  const confirm = action(
    (code: string) => trpc.twofactor.totpConfirm.mutate({ code }),
    (r) => {
      start.reset();
      setCodes(r.recoveryCodes);
      setNotice(t('twofactor.profile.appOnDone'));
    },
  );
  const disable = action(
    (password: string) => trpc.twofactor.totpDisable.mutate({ password }),
    () => setNotice(t('twofactor.profile.removed')),
  );
  const regenerate = action(
    (password: string) => trpc.twofactor.regenerateRecoveryCodes.mutate({ password }),
    (r) => setCodes(r.recoveryCodes),
  );
  const addPasskey = action(
    async (name: string) => {
      const optionsJSON = await trpc.twofactor.passkeyOptions.mutate();
      let response: Awaited<ReturnType<typeof startRegistration>>;
      try {
        response = await startRegistration({ optionsJSON });
      } catch {
        throw new PasskeyPromptFailed(t('twofactor.step.passkeyFailed'));
      }
      return trpc.twofactor.passkeyAdd.mutate({ name, response });
    },
    (r) => {
      if (r.recoveryCodes) setCodes(r.recoveryCodes);
      setNotice(t('twofactor.profile.passkeyAdded'));
    },
  );
  const removePasskey = action(
    (input: { passkeyId: string; password: string }) => trpc.twofactor.passkeyRemove.mutate(input),
    () => setNotice(t('twofactor.profile.removed')),
  );

  const password = (event: SubmitEvent) => formValues(event).password ?? '';

  return (
    <section class="panel two-factor" aria-labelledby="profile-two-factor">
      <h2 id="profile-two-factor">{t('twofactor.profile.title')}</h2>
      <Show when={status.data}>
        {(s) => (
          <>
            <Show when={s().required}>
              <p class="muted">{t('twofactor.profile.required')}</p>
            </Show>
            <Show when={codes()}>{(list) => <RecoveryCodes codes={list()} onDone={() => setCodes(null)} />}</Show>

            <h3>{t('twofactor.profile.app')}</h3>
            <Show
              when={s().totp}
              fallback={
                <>
                  <p>{t('twofactor.profile.appOff')}</p>
                  <Show
                    when={start.data}
                    fallback={
                      <button type="button" onClick={() => start.mutate(undefined)} disabled={start.isPending}>
                        {t('twofactor.profile.setUpApp')}
                      </button>
                    }
                  >
                    {(secret) => (
                      <form
                        onSubmit={(e) => {
                          const { code = '' } = formValues(e);
                          confirm.mutate(code.trim());
                        }}
                      >
                        <TotpSecret uri={secret().uri} keyText={secret().key} />
                        <div class="field">
                          <label for="totp-code">{t('twofactor.step.code')}</label>
                          <input id="totp-code" name="code" required autocomplete="one-time-code" inputMode="numeric" maxLength={8} />
                        </div>
                        <button type="submit" class="primary" disabled={confirm.isPending}>
                          {t('twofactor.enroll.confirm')}
                        </button>{' '}
                        <button type="button" onClick={() => start.reset()}>
                          {t('twofactor.profile.cancel')}
                        </button>
                      </form>
                    )}
                  </Show>
                </>
              }
            >
              {(totp) => (
                <>
                  <p>{t('twofactor.profile.appOn', { date: when(totp().since) })}</p>
                  <form onSubmit={(e) => disable.mutate(password(e))}>
                    <div class="field">
                      <label for="totp-off-password">{t('twofactor.profile.password')}</label>
                      <input id="totp-off-password" name="password" type="password" required autocomplete="current-password" />
                    </div>
                    <button type="submit" disabled={disable.isPending}>
                      {t('twofactor.profile.turnOffApp')}
                    </button>
                  </form>
                </>
              )}
            </Show>

            <Show when={s().totp || s().passkeys.length > 0}>
              <h3>{t('twofactor.recovery.title')}</h3>
              <p>{t('twofactor.profile.recoveryLeft', { count: s().recoveryCodesLeft })}</p>
              <form onSubmit={(e) => regenerate.mutate(password(e))}>
                <div class="field">
                  <label for="recovery-password">{t('twofactor.profile.password')}</label>
                  <input id="recovery-password" name="password" type="password" required autocomplete="current-password" />
                </div>
                <button type="submit" disabled={regenerate.isPending}>
                  {t('twofactor.profile.regenerate')}
                </button>
              </form>
            </Show>

            <h3>{t('twofactor.profile.passkeys')}</h3>
            <Show when={s().passkeys.length > 0} fallback={<p class="muted">{t('twofactor.profile.noPasskeys')}</p>}>
              <ul class="passkeys">
                <For each={s().passkeys}>
                  {(p) => (
                    <li>
                      <strong>{p.name}</strong>{' '}
                      <span class="muted">
                        {p.lastUsedAt ? t('twofactor.profile.lastUsed', { date: when(p.lastUsedAt) }) : t('twofactor.profile.neverUsed')}
                      </span>
                      <form
                        onSubmit={(e) => removePasskey.mutate({ passkeyId: p.id, password: password(e) })}
                        aria-label={t('twofactor.profile.removePasskey', { name: p.name })}
                      >
                        <label for={`passkey-password-${p.id}`}>{t('twofactor.profile.password')}</label>
                        <input id={`passkey-password-${p.id}`} name="password" type="password" required autocomplete="current-password" />
                        <button type="submit" disabled={removePasskey.isPending}>
                          {t('twofactor.profile.removePasskey', { name: p.name })}
                        </button>
                      </form>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <form
              onSubmit={(e) => {
                const { name = '' } = formValues(e);
                addPasskey.mutate(name.trim());
              }}
            >
              <div class="field">
                <label for="passkey-name">{t('twofactor.profile.passkeyName')}</label>
                <input id="passkey-name" name="name" required maxLength={60} />
              </div>
              <button type="submit" disabled={addPasskey.isPending} aria-busy={addPasskey.isPending}>
                {t('twofactor.profile.addPasskey')}
              </button>
            </form>
            <Alert message={problem()} />
            <Notice message={notice()} />
          </>
        )}
      </Show>
    </section>
  );
}
