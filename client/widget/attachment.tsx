import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { WebchatApi } from './api.ts';
import { formatSize } from './format.ts';
import { DownloadIcon } from './icons.tsx';
import type { Item } from './items.ts';
import { t } from './strings.ts';

/** A message's file: an image shown inline, anything else a download button (fetched with the token). */
export function Attachment(props: {
  file: NonNullable<Item['attachment']>;
  local: File | null;
  token: () => string | null;
  api: WebchatApi;
}) {
  const isImage = () => props.file.contentType.startsWith('image/');
  const [url, setUrl] = createSignal<string | null>(null);
  const blob = async (): Promise<Blob | null> => {
    if (props.local) return props.local;
    const token = props.token();
    return token && props.file.url ? props.api.file(token, props.file.url).catch(() => null) : null;
  };
  onMount(async () => {
    if (!isImage()) return;
    const b = await blob();
    if (b) setUrl(URL.createObjectURL(b));
  });
  onCleanup(() => {
    const u = url();
    if (u) URL.revokeObjectURL(u);
  });
  const download = async () => {
    const b = await blob();
    if (!b) return;
    const u = URL.createObjectURL(b);
    const link = document.createElement('a');
    link.href = u;
    link.download = props.file.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(u), 10_000);
  };
  return (
    <Show
      when={isImage() && url()}
      fallback={
        <button type="button" class="w-file" onClick={() => void download()}>
          <DownloadIcon />
          <span>{t('widget.file', { name: props.file.filename })}</span>
          <Show when={props.file.size > 0}>
            <small>{formatSize(props.file.size)}</small>
          </Show>
        </button>
      }
    >
      {(u) => <img class="w-image" src={u()} alt={props.file.filename} />}
    </Show>
  );
}
