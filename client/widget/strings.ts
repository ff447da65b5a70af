import type { MessageKey } from '../../i18n/index.ts';
import { STRINGS_ELEMENT_ID, type WidgetStrings } from '../../shared/webchat-wire.ts';
import { fill, pickFrom } from '../../i18n/languages.ts';

/**
 * The widget's strings. The server puts the few it needs (`widget.*` and the sentences the
 * widget shows itself), in every language, into the page as a JSON block
 * (server/channels/webchat/widget.ts), so the widget does not download the whole catalogue.
 * Without the block (the Vite dev server serves the page itself) the catalogue loads lazily.
 */
let data: WidgetStrings = { languages: [], defaultLanguage: 'pt-BR', strings: {} };
/** The visitor's language (a live binding: set by loadStrings before the widget renders). */
export let lang = 'pt-BR';

function useStrings(next: WidgetStrings, preferences: readonly string[]): void {
  data = next;
  lang = pickFrom(preferences, next.languages, next.defaultLanguage);
}

export async function loadStrings(): Promise<void> {
  const prefs = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  const el = document.getElementById(STRINGS_ELEMENT_ID);
  if (el?.textContent) {
    try {
      return useStrings(JSON.parse(el.textContent) as WidgetStrings, prefs);
    } catch {
      /* fall back to the catalogue */
    }
  }
  const i18n = await import('../../i18n/index.ts');
  useStrings(
    {
      languages: [...i18n.LANGUAGES],
      defaultLanguage: i18n.DEFAULT_LANGUAGE,
      strings: i18n.catalogue as Record<string, Record<string, string>>,
    },
    prefs,
  );
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fill(data.strings[lang]?.[key] ?? data.strings.en?.[key] ?? key, params);
}
