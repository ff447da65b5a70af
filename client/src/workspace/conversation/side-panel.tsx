import { createSignal, lazy, Match, Show, Suspense, Switch } from 'solid-js';
import { A } from '@solidjs/router';
import { t } from '../../i18n.ts';
import type { ConversationView } from '../queue/types.ts';

// The contact panel (notes with their editor) and the thread (Yjs) are chunks of their own.
const ContactPanel = lazy(() => import('../contacts/contact-panel.tsx'));
const ColleagueThread = lazy(() => import('../chat/colleague-thread.tsx'));

/**
 * Right-side panel: the contact (notes, gallery, history, other sessions) and the private
 * thread with colleagues. Both come from other parts of the workspace, loaded with the page.
 */
export default function SidePanel(props: { view: ConversationView }) {
  const [tab, setTab] = createSignal<'contact' | 'colleagues'>('contact');
  const tabId = (name: string) => `cv-side-${name}`;
  return (
    <aside class="cv-side" aria-label={t('conversation.sidePanel')}>
      <div class="cv-side-tabs" role="tablist" aria-label={t('conversation.sidePanel')}>
        <button
          type="button"
          role="tab"
          id={tabId('contact')}
          aria-selected={tab() === 'contact'}
          aria-controls={`${tabId('contact')}-panel`}
          onClick={() => setTab('contact')}
        >
          {t('conversation.tabContact')}
        </button>
        <button
          type="button"
          role="tab"
          id={tabId('colleagues')}
          aria-selected={tab() === 'colleagues'}
          aria-controls={`${tabId('colleagues')}-panel`}
          onClick={() => setTab('colleagues')}
        >
          {t('conversation.tabColleagues')}
        </button>
      </div>
      <Switch>
        <Match when={tab() === 'contact'}>
          <div role="tabpanel" id={`${tabId('contact')}-panel`} aria-labelledby={tabId('contact')} class="cv-side-panel">
            <Suspense fallback={<ContactSummary view={props.view} />}>
              <ContactPanel contactId={props.view.contact.id} conversationId={props.view.id} />
            </Suspense>
          </div>
        </Match>
        <Match when={tab() === 'colleagues'}>
          <div role="tabpanel" id={`${tabId('colleagues')}-panel`} aria-labelledby={tabId('colleagues')} class="cv-side-panel">
            <p class="muted cv-side-explain">{t('conversation.colleaguesExplain')}</p>
            <Suspense fallback={<p class="loading">{t('common.loading')}</p>}>
              <ColleagueThread conversationId={props.view.id} canWrite={props.view.can.write} />
            </Suspense>
          </div>
        </Match>
      </Switch>
    </aside>
  );
}

function ContactSummary(props: { view: ConversationView }) {
  const c = () => props.view.contact;
  return (
    <dl class="cv-contact-facts">
      <dt>{t('conversation.contactName')}</dt>
      <dd>{c().name || '—'}</dd>
      <dt>{t('conversation.contactEmail')}</dt>
      <dd>{c().email || '—'}</dd>
      <dt>{t('conversation.contactWhatsapp')}</dt>
      <dd>{c().whatsapp || '—'}</dd>
      <Show when={c().incomplete}>
        <dd class="cv-incomplete">{t('conversation.contactIncomplete')}</dd>
      </Show>
      <dd>
        <A href={`/contacts/${c().id}`} class="link">
          {t('conversation.openContact')}
        </A>
      </dd>
    </dl>
  );
}
