import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, createUniqueId, Show } from 'solid-js';
import { Alert, Notice } from '../../components.tsx';
import { t } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { meQuery } from '../../session.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { settled } from './data.ts';
import './privacy-actions.css';

const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();

/**
 * A data subject's request about this contact (docs/privacy.md): export everything as a ZIP, or
 * erase the personal data after typing the contact's name. Admins only — the server holds the
 * rule; this only spares agents buttons they cannot use.
 */
export default function PrivacyActions(props: { contactId: string }) {
  const me = useQuery(meQuery);
  const isAdmin = () => settled(me)?.user.role === 'admin';
  return (
    <Show when={isAdmin()}>
      <PrivacyPanel contactId={props.contactId} />
    </Show>
  );
}

function PrivacyPanel(props: { contactId: string }) {
  const uid = createUniqueId();
  const queryClient = useQueryClient();
  const [reference, setReference] = createSignal('');
  const [erasing, setErasing] = createSignal(false);
  const [typed, setTyped] = createSignal('');
  const [done, setDone] = createSignal<string | null>(null);
  const summary = useQuery(() => ({
    queryKey: ['privacy.contact', props.contactId],
    queryFn: () => trpc.privacy.contact.query({ contactId: props.contactId }),
  }));
  const erase = useMutation(() => ({
    mutationFn: () => trpc.privacy.eraseContact.mutate({ contactId: props.contactId, confirmation: typed(), requestedBy: reference() }),
    onSuccess: async (r) => {
      setErasing(false);
      setTyped('');
      setDone(t('privacy.erasedDone', { messages: r.messages, files: r.files }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.contact(props.contactId) }),
        queryClient.invalidateQueries({ queryKey: ['privacy.contact', props.contactId] }),
      ]);
    },
  }));
  const exportHref = () => `/exports/contacts/${props.contactId}.zip?requestedBy=${encodeURIComponent(reference().trim())}`;
  const matches = () => {
    const expected = summary.data?.confirmation ?? '';
    return expected !== '' && norm(typed()) === norm(expected);
  };
  return (
    <section class="ct-section privacy-actions" aria-labelledby={`${uid}-t`}>
      <h3 id={`${uid}-t`}>{t('privacy.actions')}</h3>
      <Show when={summary.data?.erasedAt}>
        {(at) => <p class="muted">{t('privacy.erasedAt', { date: new Date(at()).toLocaleString() })}</p>}
      </Show>
      <Notice message={done()} />
      <div class="privacy-reference">
        <label for={`${uid}-ref`}>{t('privacy.requestedBy')}</label>
        <input
          id={`${uid}-ref`}
          type="text"
          maxLength={200}
          value={reference()}
          aria-describedby={`${uid}-ref-hint`}
          onInput={(e) => setReference(e.currentTarget.value)}
        />
        <small id={`${uid}-ref-hint`} class="muted">
          {t('privacy.requestedByHint')}
        </small>
      </div>
      <p class="privacy-buttons">
        <Show
          when={reference().trim() !== ''}
          fallback={
            <button type="button" class="secondary ct-small" disabled>
              {t('privacy.export')}
            </button>
          }
        >
          <a class="button secondary ct-small" href={exportHref()} download="">
            {t('privacy.export')}
          </a>
        </Show>{' '}
        <Show when={!summary.data?.erasedAt && !erasing()}>
          <button type="button" class="danger ct-small" disabled={reference().trim() === ''} onClick={() => setErasing(true)}>
            {t('privacy.erase')}
          </button>
        </Show>
      </p>
      <Show when={erasing() && summary.data}>
        {(s) => (
          <form
            class="privacy-erase"
            aria-label={t('privacy.eraseTitle', { name: s().confirmation })}
            onSubmit={(e) => {
              e.preventDefault();
              if (matches()) erase.mutate();
            }}
          >
            <h4>{t('privacy.eraseTitle', { name: s().confirmation })}</h4>
            <p>
              {t('privacy.eraseSummary', {
                messages: s().holdings.messages,
                conversations: s().holdings.conversations,
                files: s().holdings.files,
              })}
            </p>
            <label for={`${uid}-confirm`}>{t('privacy.eraseType', { name: s().confirmation })}</label>
            <input id={`${uid}-confirm`} type="text" autocomplete="off" value={typed()} onInput={(e) => setTyped(e.currentTarget.value)} />
            <Alert message={erase.isError ? errorMessage(erase.error) : null} />
            <p class="privacy-buttons">
              <button type="submit" class="danger" disabled={!matches() || erase.isPending} aria-busy={erase.isPending}>
                {t('privacy.eraseConfirm')}
              </button>{' '}
              <button type="button" class="secondary" onClick={() => setErasing(false)}>
                {t('privacy.cancel')}
              </button>
            </p>
          </form>
        )}
      </Show>
    </section>
  );
}
