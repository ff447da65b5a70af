import { describe, expect, it } from 'vitest';
import { parseWebhook } from './parse.ts';
import { parseTemplateStatusUpdates } from './template-status.ts';

const update = (value: Record<string, unknown>, field = 'message_template_status_update') => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', time: 1765000000, changes: [{ field, value }] }],
});

describe('message_template_status_update webhooks', () => {
  it('reads the event, the template and the reason', () => {
    const body = update({
      event: 'PAUSED',
      message_template_id: 594425479261596,
      message_template_name: 'summer_sale',
      message_template_language: 'en_US',
      reason: null,
      other_info: { title: 'SECOND_PAUSE', description: 'Paused for 6 hours because of low quality.' },
    });
    expect(parseTemplateStatusUpdates(body)).toEqual([
      {
        wabaId: '102290129340398',
        metaId: '594425479261596',
        name: 'summer_sale',
        language: 'en_US',
        status: 'paused',
        event: 'PAUSED',
        reason: 'second pause',
      },
    ]);
    // The messages adapter is unchanged: for it this change is one it does not act on.
    expect(parseWebhook(body)).toEqual({ messages: [], statuses: [], ignored: 1 });
  });

  it('maps REINSTATED to approved, keeps FLAGGED from changing a status, and skips what it cannot place', () => {
    const base = { message_template_id: 1, message_template_name: 'x', message_template_language: 'pt_BR' };
    expect(parseTemplateStatusUpdates(update({ ...base, event: 'REINSTATED', reason: 'NONE' }))[0]).toMatchObject({
      status: 'approved',
      reason: null,
    });
    expect(parseTemplateStatusUpdates(update({ ...base, event: 'REJECTED', reason: 'INCORRECT_CATEGORY' }))[0]).toMatchObject({
      status: 'rejected',
      reason: 'incorrect category',
    });
    expect(parseTemplateStatusUpdates(update({ ...base, event: 'FLAGGED' }))[0]!.status).toBeNull();
    expect(parseTemplateStatusUpdates(update({ ...base, event: 'SOMETHING_ELSE' }))).toEqual([]);
    expect(parseTemplateStatusUpdates(update({ event: 'PAUSED' }))).toEqual([]);
    expect(parseTemplateStatusUpdates(update({ ...base, event: 'PAUSED' }, 'messages'))).toEqual([]);
    expect(parseTemplateStatusUpdates(null)).toEqual([]);
  });
});
