import { audit } from '../../../db/queries/audit.ts';
import { markOutOfHours, setClosed, type Conversation } from '../../../db/queries/conversations.ts';
import type { Organization } from '../../../db/queries/organizations.ts';
import type { Team } from '../../../db/queries/teams.ts';
import type { Tx } from '../../../db/sql.ts';
import { isLanguage, translate } from '../../../i18n/index.ts';
import { isOpen } from '../../domain/business-hours.ts';
import type { Services } from '../../services/index.ts';
import { publishConversation, queueBotMessage } from './common.ts';

/** The standard sentence for a closed team, in the organization's customer language. */
export function standardOutOfHoursMessage(language: string, action: Team['outOfHoursAction']): string {
  return translate(isLanguage(language) ? language : 'pt-BR', action === 'close' ? 'conv.outOfHoursClosing' : 'conv.outOfHoursWaiting');
}

/**
 * A new conversation reached a team outside its business hours (issue 12, item 5): the customer
 * is told (the team's own text, else the standard sentence in the customer language), then it
 * waits for opening or, when the team says so, is closed. Null when the team is open now.
 */
export async function arriveOutOfHours(
  s: Services,
  tx: Tx,
  c: Conversation,
  team: Team,
  org: Pick<Organization, 'timeZone' | 'customerLanguage'>,
  now = new Date(),
): Promise<Conversation | null> {
  if (isOpen(team.businessHours, now, org.timeZone)) return null;
  const text = team.outOfHoursMessage?.trim() || standardOutOfHoursMessage(org.customerLanguage, team.outOfHoursAction);
  await queueBotMessage(s, tx, c, text, 'text', { notice: 'out_of_hours' });
  let after = await markOutOfHours(tx, c);
  if (team.outOfHoursAction === 'close') {
    after = await setClosed(tx, after, { by: null, reason: 'out_of_hours', dispositionId: null });
    await audit(tx, {
      orgId: c.orgId,
      action: 'conversation_auto_closed',
      details: { conversationId: c.id, protocol: c.protocol, reason: 'out_of_hours' },
    });
    await publishConversation(s, tx, after, 'queue.changed');
  }
  return after;
}

/** The bot menu's label of a team that is closed now ("Sales (closed now)"), in the customer language. */
export function closedLabel(label: string, language: string): string {
  return translate(isLanguage(language) ? language : 'pt-BR', 'bot.teamClosed', { label });
}
