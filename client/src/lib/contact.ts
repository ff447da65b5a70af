import { t } from '../i18n.ts';

/** What every screen knows of a contact: enough to name it. */
export interface ContactLike {
  id: string;
  name?: string | null;
  whatsapp?: string | null;
}

/** Four characters of the contact's id: tells two nameless visitors apart, the same everywhere. */
function shortContactId(id: string): string {
  return id
    .replace(/[^0-9a-z]/gi, '')
    .slice(0, 4)
    .toLowerCase();
}

/**
 * The one way a contact is named on screen (queue rows, the conversation's header and tab
 * title, contacts, the monitoring board, alerts): the name; without one, the WhatsApp
 * number; without that (a web chat visitor who gave no name), "Visitor 3f9a".
 */
export function contactLabel(contact: ContactLike): string {
  const name = contact.name?.trim();
  if (name) return name;
  if (contact.whatsapp) return `+${contact.whatsapp}`;
  return t('contacts.visitor', { id: shortContactId(contact.id) });
}
