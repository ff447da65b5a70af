import { createSignal, createUniqueId, For, Index, Show } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { Alert } from '../../components.tsx';
import { contactLabel } from '../../lib/contact.ts';
import { keys } from '../../lib/keys.ts';
import { t, type MessageKey } from '../../i18n.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { meQuery } from '../../session.ts';
import { settled, type ContactDetail } from './data.ts';

const BUILT_IN = ['name', 'email', 'whatsapp'];

type Saved = Awaited<ReturnType<typeof trpc.contacts.create.mutate>>;

/**
 * Adds a contact, or edits one. The server decides what is required and valid; the form
 * marks what it will ask for — name, e-mail, WhatsApp (not of a web chat visitor) and the
 * organization's own required fields, each with an input — and shows its sentence as it is.
 */
export default function ContactForm(props: { contact?: ContactDetail; onDone: (contact: Saved) => void; onCancel?: () => void }) {
  const queryClient = useQueryClient();
  const uid = createUniqueId();
  const existing = () => Object.entries(props.contact?.fields ?? {});
  const [added, setAdded] = createSignal<{ key: string; value: string }[]>([]);
  const [removed, setRemoved] = createSignal<string[]>([]);
  const me = useQuery(meQuery);
  const orgRequired = () => settled(me)?.organization.requiredContactFields ?? [];
  const isRequired = (field: string) =>
    orgRequired().includes(field) || field === 'name' || field === 'email' || (field === 'whatsapp' && !props.contact?.webchat);
  /** The organization's extra required fields the contact doesn't have yet: one input each. */
  const missingExtra = () => orgRequired().filter((f) => !BUILT_IN.includes(f) && !(f in (props.contact?.fields ?? {})));

  const save = useMutation(() => ({
    mutationFn: (input: { name: string; email: string; whatsapp: string; fields: Record<string, string> }) =>
      props.contact ? trpc.contacts.update.mutate({ id: props.contact.id, ...input }) : trpc.contacts.create.mutate(input),
    onSuccess: (contact) => {
      void queryClient.invalidateQueries({ queryKey: keys.contacts });
      void queryClient.invalidateQueries({ queryKey: keys.contact(contact.id) });
      setAdded([]);
      setRemoved([]);
      props.onDone(contact);
    },
  }));

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '');
    const fields: Record<string, string> = {};
    for (const [key] of existing()) fields[key] = removed().includes(key) ? '' : text(`field:${key}`);
    for (const key of missingExtra()) if (text(`field:${key}`).trim()) fields[key] = text(`field:${key}`);
    for (const { key, value } of added()) if (key.trim()) fields[key.trim()] = value;
    save.mutate({ name: text('name'), email: text('email'), whatsapp: text('whatsapp').trim(), fields });
  };

  const builtIn = (name: 'name' | 'email' | 'whatsapp', label: MessageKey, type: string, hint?: MessageKey) => {
    const id = `${uid}-${name}`;
    return (
      <div class="field">
        <label for={id}>
          {t(label)}{' '}
          <Show when={isRequired(name)}>
            <span class="required-mark">({t('contacts.field.required')})</span>
          </Show>
        </label>
        <input
          id={id}
          name={name}
          type={type}
          value={props.contact?.[name] ?? ''}
          inputmode={name === 'whatsapp' ? 'numeric' : undefined}
          autocomplete="off"
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <Show when={hint}>
          <small id={`${id}-hint`} class="ct-hint">
            {t(hint!)}
          </small>
        </Show>
      </div>
    );
  };

  return (
    <form
      class="contact-form"
      noValidate
      onSubmit={submit}
      aria-label={props.contact ? t('contacts.edit.title', { name: contactLabel(props.contact) }) : t('contacts.add.title')}
    >
      <Show when={props.contact?.incomplete}>
        <p class="notice">{t('contacts.incomplete.hint')}</p>
      </Show>
      {builtIn('name', 'contacts.field.name', 'text')}
      {builtIn('email', 'contacts.field.email', 'email')}
      {builtIn('whatsapp', 'contacts.field.whatsapp', 'tel', 'contacts.field.whatsappHint')}
      <For each={missingExtra()}>
        {(key) => (
          <div class="field">
            <label for={`${uid}-f-${key}`}>
              {key} <span class="required-mark">({t('contacts.field.required')})</span>
            </label>
            <input id={`${uid}-f-${key}`} name={`field:${key}`} autocomplete="off" />
          </div>
        )}
      </For>
      <fieldset class="extra-fields">
        <legend>{t('contacts.field.extra')}</legend>
        <For each={existing().filter(([key]) => !removed().includes(key))}>
          {([key, value]) => (
            <div class="ct-field-row">
              <label for={`${uid}-f-${key}`}>
                {key}
                <Show when={isRequired(key)}>
                  {' '}
                  <span class="required-mark">({t('contacts.field.required')})</span>
                </Show>
              </label>
              <input id={`${uid}-f-${key}`} name={`field:${key}`} value={value} aria-label={t('contacts.field.value', { field: key })} />
              <button
                type="button"
                class="ct-icon-button"
                aria-label={t('contacts.field.remove', { field: key })}
                onClick={() => setRemoved([...removed(), key])}
              >
                ×
              </button>
            </div>
          )}
        </For>
        <Index each={added()}>
          {(row, i) => (
            <div class="ct-field-row ct-new">
              <input
                aria-label={t('contacts.field.key')}
                placeholder={t('contacts.field.key')}
                value={row().key}
                onInput={(e) => setAdded(added().map((r, j) => (j === i ? { ...r, key: e.currentTarget.value } : r)))}
              />
              <input
                aria-label={row().key ? t('contacts.field.value', { field: row().key }) : t('contacts.field.newValue')}
                placeholder={t('contacts.field.newValue')}
                value={row().value}
                onInput={(e) => setAdded(added().map((r, j) => (j === i ? { ...r, value: e.currentTarget.value } : r)))}
              />
              <button
                type="button"
                class="ct-icon-button"
                aria-label={t('contacts.field.remove', { field: row().key || String(i + 1) })}
                onClick={() => setAdded(added().filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
          )}
        </Index>
        <button type="button" class="ct-link-button" onClick={() => setAdded([...added(), { key: '', value: '' }])}>
          + {t('contacts.field.add')}
        </button>
      </fieldset>
      <Alert message={save.isError ? errorMessage(save.error) : null} />
      <div class="ct-form-actions">
        <button type="submit" class="primary" disabled={save.isPending} aria-busy={save.isPending}>
          {t('contacts.save')}
        </button>
        <Show when={props.onCancel}>
          <button type="button" class="secondary" onClick={() => props.onCancel!()}>
            {t('contacts.cancel')}
          </button>
        </Show>
      </div>
    </form>
  );
}
