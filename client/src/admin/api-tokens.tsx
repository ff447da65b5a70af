import { useQuery } from '@tanstack/solid-query';
import { createSignal, createUniqueId, For, Show } from 'solid-js';
import { API_SCOPES } from '../../../server/domain/api-tokens.ts';
import { language, t } from '../i18n.ts';
import { formatDateTimeIn, timeZone } from '../lib/format.ts';
import { trpc } from '../trpc.ts';
import { useSave } from './api.ts';
import { ConfirmButton, Loaded, Refusal, Saved } from './feedback.tsx';
import { CheckGroup, focusFirstField, FormActions, Input } from './fields.tsx';
import { Section, TableHead, useEditor } from './screen.tsx';

// Under `admin.`: never persisted offline (lib/keys.ts).
const TOKENS_KEY = ['admin.apiTokens.list'] as const;
type Token = Awaited<ReturnType<typeof trpc.admin.apiTokens.list.query>>[number];

const when = (at: string | null, none: string) => (at ? formatDateTimeIn(at, { language: language(), timeZone: timeZone() }) : none);

/**
 * The organization's API tokens: the list (prefix, scopes, last use, expiry), a new token whose
 * secret is shown once with a copy button, and revocation after a confirmation.
 */
export default function ApiTokensScreen() {
  const tokens = useQuery(() => ({ queryKey: TOKENS_KEY, queryFn: () => trpc.admin.apiTokens.list.query() }));
  const { editing, notice, setNotice, open, done, cancel } = useEditor<'new'>();
  const [created, setCreated] = createSignal<{ name: string; secret: string } | null>(null);
  const revoke = useSave(
    (token: Token) => trpc.admin.apiTokens.revoke.mutate({ tokenId: token.id }),
    [TOKENS_KEY],
    (_, token) => setNotice(t('api.revokedNamed', { name: token.name })),
  );
  return (
    <Section
      title={t('api.title')}
      actions={
        <button
          type="button"
          class="primary"
          onClick={() => {
            setCreated(null);
            open('new');
          }}
        >
          {t('api.new')}
        </button>
      }
    >
      <p class="adm-muted">
        {t('api.intro')}{' '}
        <a href="/api/docs" target="_blank" rel="noopener">
          {t('api.docs')}
        </a>
      </p>
      <Show when={editing()}>
        <TokenForm
          onCreated={(name, secret) => {
            setCreated({ name, secret });
            done(t('api.createdTitle', { name }));
          }}
          onCancel={cancel}
        />
      </Show>
      <Show when={created()} keyed fallback={<Saved when={notice() !== null} message={notice() ?? undefined} />}>
        {(c) => <CreatedSecret name={c.name} secret={c.secret} onDone={() => setCreated(null)} />}
      </Show>
      <Refusal error={revoke.error} />
      <Loaded query={tokens}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="adm-muted">{t('api.empty')}</p>}>
            <table class="adm-table">
              <TableHead
                labels={[
                  t('api.name'),
                  t('api.prefix'),
                  t('api.scopes'),
                  t('api.lastUsed'),
                  t('api.expires'),
                  t('api.state'),
                  t('admin.actions'),
                ]}
              />
              <tbody>
                <For each={list()}>
                  {(token) => (
                    <tr>
                      <td>{token.name}</td>
                      <td>
                        <code>atd_{token.prefix}_…</code>
                      </td>
                      <td>{token.scopes.join(', ')}</td>
                      <td>{when(token.lastUsedAt, t('api.never'))}</td>
                      <td>{when(token.expiresAt, t('api.noExpiry'))}</td>
                      <td>{t(`api.state.${token.state}`)}</td>
                      <td>
                        <Show when={token.state === 'active'}>
                          <ConfirmButton
                            label={t('api.revoke')}
                            ariaLabel={t('api.revokeNamed', { name: token.name })}
                            confirmLabel={t('api.confirmRevoke', { name: token.name })}
                            onConfirm={() => revoke.mutate(token)}
                          />
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Loaded>
    </Section>
  );
}

function TokenForm(props: { onCreated: (name: string, secret: string) => void; onCancel: () => void }) {
  const id = createUniqueId();
  const create = useSave(
    (input: { name: string; scopes: (typeof API_SCOPES)[number][]; expiresAt: string | null }) => trpc.admin.apiTokens.create.mutate(input),
    [TOKENS_KEY],
    (answer) => props.onCreated(answer.token.name, answer.secret),
  );
  return (
    <form
      class="adm-form"
      ref={(el) => queueMicrotask(() => focusFirstField(el))}
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const day = String(fd.get('expiry') ?? '');
        create.mutate({
          name: String(fd.get('name') ?? ''),
          scopes: fd.getAll('scopes').map(String) as (typeof API_SCOPES)[number][],
          // The end of the chosen day, in the browser's time.
          expiresAt: day ? new Date(`${day}T23:59:59`).toISOString() : null,
        });
      }}
    >
      <Input label={t('api.name')} name="name" required maxLength={80} placeholder={t('api.namePlaceholder')} />
      <div class="adm-field">
        <label class="adm-label" for={`${id}-expiry`}>
          {t('api.expiry')}
        </label>
        <input id={`${id}-expiry`} name="expiry" type="date" aria-describedby={`${id}-hint`} />
        <small class="adm-hint" id={`${id}-hint`}>
          {t('api.expiryHint')}
        </small>
      </div>
      <CheckGroup
        legend={t('api.scopes')}
        name="scopes"
        options={API_SCOPES.map((scope) => ({ value: scope, label: `${t(`api.scope.${scope}`)} (${scope})` }))}
        selected={[]}
      />
      <FormActions pending={create.isPending} submitLabel={t('api.create')} onCancel={props.onCancel} error={create.error} />
    </form>
  );
}

/** The new token, this once: Atende keeps only its hash. */
function CreatedSecret(props: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = createSignal(false);
  let field: HTMLInputElement | undefined;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
    } catch {
      // No clipboard permission (e.g. plain http): select it for Ctrl+C.
      field?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };
  return (
    <div class="adm-ok" role="status">
      <p>
        <strong>{t('api.createdTitle', { name: props.name })}</strong>
      </p>
      <p>{t('api.createdOnce')}</p>
      <div class="adm-row-actions">
        <input
          ref={field}
          class="adm-secret"
          readOnly
          value={props.secret}
          aria-label={t('api.createdTitle', { name: props.name })}
          size={70}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="secondary" onClick={() => void copy()}>
          {t('api.copy')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone()}>
          {t('api.done')}
        </button>
      </div>
      <Show when={copied()}>
        <p>{t('api.copied')}</p>
      </Show>
    </div>
  );
}
