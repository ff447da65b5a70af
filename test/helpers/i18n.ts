import { translate, type MessageKey } from '../../i18n/index.ts';

/** A catalogue sentence in English: tests find controls and sentences by what a person reads. */
export const en = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);
