import { translate, type Language } from '../../i18n/index.ts';
import type { TargetRefusal } from '../domain/webhook-targets.ts';

const REFUSALS: readonly TargetRefusal[] = ['invalidUrl', 'httpsRequired', 'privateAddress', 'unresolvable'];

/**
 * A delivery's last error in the reader's language: our own problems are stored as codes
 * (`atende:refused:<reason>`, `atende:timeout:<s>`, `atende:network:<code>`); anything else
 * is the start of the receiver's answer, shown as it came.
 */
export function problemText(lang: Language, stored: string | null): string | null {
  if (stored === null || !stored.startsWith('atende:')) return stored;
  const [, kind, detail = ''] = stored.split(':', 3);
  if (kind === 'refused' && (REFUSALS as readonly string[]).includes(detail)) return translate(lang, `webhooks.${detail as TargetRefusal}`);
  if (kind === 'timeout') return translate(lang, 'webhooks.error.timeout', { seconds: detail });
  if (kind === 'network') return translate(lang, 'webhooks.error.network', { code: detail });
  if (kind === 'removed') return translate(lang, 'error.notFound');
  return stored;
}
