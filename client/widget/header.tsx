import { Show } from 'solid-js';
import type { WebchatConversation } from '../../shared/webchat-wire.ts';
import { host } from './api.ts';
import { ChatIcon, CloseIcon } from './icons.tsx';
import { t } from './strings.ts';

/** The organization's initial and name, the protocol, and (in a page's frame) the close button. */
export function Header(props: { orgName: string; conversation: WebchatConversation | null }) {
  return (
    <header class="w-header">
      <span class="w-avatar" aria-hidden="true">
        {(props.orgName.trim()[0] ?? '').toUpperCase() || <ChatIcon />}
      </span>
      <div class="w-heading">
        <h1 class="w-title">{props.orgName || t('widget.title')}</h1>
        <p class="w-subtitle">
          <Show when={props.orgName}>
            <span>{t('widget.title')}</span>
          </Show>
          <Show when={props.conversation}>{(c) => <span class="w-protocol">{t('widget.protocol', { protocol: c().protocol })}</span>}</Show>
        </p>
      </div>
      <Show when={host.embedded}>
        <button type="button" class="w-close" aria-label={t('widget.close')} title={t('widget.close')} onClick={() => host.close()}>
          <CloseIcon />
        </button>
      </Show>
    </header>
  );
}
