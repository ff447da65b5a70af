import type { Channel } from '../../../db/queries/channels.ts';
import { queuePosition, type Conversation } from '../../../db/queries/conversations.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import { getTeam } from '../../../db/queries/teams.ts';
import { getUser } from '../../../db/queries/users.ts';
import type { Tx } from '../../../db/sql.ts';
import { isLanguage, translate } from '../../../i18n/index.ts';
import { customerNoticeMessage, type CustomerNotice } from '../../domain/customer-notices.ts';
import { windowState } from '../../domain/whatsapp-window.ts';
import type { Services } from '../../services/index.ts';
import { channelOf, queueBotMessage } from './common.ts';

/**
 * Tells a WhatsApp customer, when the organization asks for it, that they are in a team's
 * queue (and their place) or that an agent joined — an automatic message inside the 24-hour
 * window, nothing outside it (server/domain/customer-notices.ts). The web chat widget shows
 * the same from the conversation itself (db/queries/webchat.ts latestVisitorConversation).
 */
export async function tellCustomer(s: Services, tx: Tx, c: Conversation, what: 'queued' | 'joined', channel?: Channel): Promise<void> {
  const ch = channel ?? (await channelOf(tx, c));
  if (ch.kind !== 'whatsapp') return;
  const org = (await getOrganization(tx, c.orgId))!;
  if (!(what === 'queued' ? org.notifyQueue : org.notifyJoined)) return;
  let notice: CustomerNotice;
  if (what === 'queued') {
    const team = c.teamId ? await getTeam(tx, c.orgId, c.teamId) : null;
    if (!team) return;
    notice = { kind: 'queued', team: team.name, position: await queuePosition(tx, c.orgId, c.id) };
  } else {
    const agent = c.assigneeId && org.identifyAgents ? await getUser(tx, c.orgId, c.assigneeId) : null;
    notice = { kind: 'joined', agent: agent ? agent.codename?.trim() || agent.name : null };
  }
  const message = customerNoticeMessage(ch.kind, org, windowState(ch.kind, c.lastInboundAt, c.lastTemplateAt, new Date()), notice);
  if (!message) return;
  const lang = isLanguage(org.customerLanguage) ? org.customerLanguage : 'pt-BR';
  await queueBotMessage(s, tx, c, translate(lang, message.key, message.params), 'text', { notice: what });
}
