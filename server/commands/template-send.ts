import type { Template } from '../../db/queries/config.ts';
import { templateComponents } from '../../db/queries/template-sync.ts';
import type { Db } from '../../db/sql.ts';
import { isMediaLink, templateRefusal, templateSlots } from '../domain/whatsapp-templates.ts';
import type { Fail } from '../errors.ts';

/**
 * The rules a template passes before it is sent (server/commands/conversations/send.ts):
 * Meta must allow it (approved, still listed), and a header's media is given as an https link.
 * The parameter count is checked by the send command itself.
 */
export async function checkTemplateSendable(db: Db, actor: { orgId: string; fail: Fail }, t: Template, params: string[]): Promise<void> {
  const refusal = templateRefusal(t);
  if (refusal) throw actor.fail('PRECONDITION_FAILED', refusal.key, refusal.params);
  const synced = await templateComponents(db, actor.orgId, t.id);
  if (!synced) return;
  const slots = templateSlots(synced.components, synced.parameterFormat);
  slots.forEach((slot, i) => {
    const value = params[i];
    if (slot.where === 'header' && slot.kind !== 'text' && value?.trim() && !isMediaLink(value)) {
      throw actor.fail('BAD_REQUEST', 'templateSync.mediaLink', { n: i + 1, name: t.name });
    }
  });
}
