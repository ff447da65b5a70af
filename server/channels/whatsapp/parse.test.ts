import { describe, expect, it } from 'vitest';
import { parseWebhook } from './parse.ts';

const wrap = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '1',
      changes: [
        {
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: '123' }, ...value },
        },
      ],
    },
  ],
});
const msg = (m: Record<string, unknown>) =>
  wrap({
    contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: '16315551234' }],
    messages: [{ from: '16315551234', id: 'wamid.ID', timestamp: '1700000000', ...m }],
  });
const one = (m: Record<string, unknown>) => parseWebhook(msg(m)).messages[0]!;

describe('WhatsApp webhook parsing (types from Meta documentation)', () => {
  it('text, with sender, name and Meta timestamp', () => {
    const p = one({ type: 'text', text: { body: 'this is a text message' } });
    expect(p).toMatchObject({
      phoneNumberId: '123',
      from: '16315551234',
      profileName: 'Kerry Fisher',
      wamid: 'wamid.ID',
      kind: 'text',
      text: 'this is a text message',
    });
    expect(p.sentAt.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });
  it('media: image with caption, document with filename, voice audio, sticker, video', () => {
    expect(one({ type: 'image', image: { caption: 'look', mime_type: 'image/jpeg', sha256: 'abc', id: '1001' } })).toMatchObject({
      kind: 'image',
      text: 'look',
      media: { id: '1001', mimeType: 'image/jpeg' },
    });
    expect(
      one({ type: 'document', document: { filename: 'inv.pdf', mime_type: 'application/pdf', sha256: 'x', id: '1002' } }).media,
    ).toMatchObject({ id: '1002', filename: 'inv.pdf' });
    expect(one({ type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'x', id: '1003', voice: true } }).kind).toBe('voice');
    expect(one({ type: 'sticker', sticker: { mime_type: 'image/webp', sha256: 'x', id: '1004', animated: false } }).kind).toBe('sticker');
    expect(one({ type: 'video', video: { mime_type: 'video/mp4', sha256: 'x', id: '1005' } }).kind).toBe('video');
  });
  it('media whose id is not a Graph media id (a plain number): kept, but nothing to fetch', () => {
    for (const id of ['../../1234/x?fields=name', 'MEDIA1', '12 34', '1234%2F..']) {
      const p = one({ type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', id } });
      expect(p).toMatchObject({ kind: 'image', media: { id: null } });
    }
  });
  it('location and contacts', () => {
    expect(one({ type: 'location', location: { latitude: -23.5, longitude: -46.6, name: 'Office', address: 'Av. Paulista' } }).text).toBe(
      'Office — Av. Paulista',
    );
    expect(one({ type: 'location', location: { latitude: -23.5, longitude: -46.6 } }).text).toBe('-23.5, -46.6');
    const c = one({
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Ana B', first_name: 'Ana' }, phones: [{ phone: '+55 11 9999', wa_id: '55119999' }] }],
    });
    expect(c).toMatchObject({ kind: 'contacts', text: 'Ana B' });
  });
  it('interactive button and list replies, template quick-reply buttons, reactions', () => {
    expect(one({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: '1', title: 'Support' } } }).text).toBe(
      'Support',
    );
    expect(
      one({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'row-2', title: 'Sales', description: 'Buy' } } })
        .text,
    ).toBe('Sales');
    expect(one({ type: 'button', button: { payload: 'STOP', text: 'Stop promotions' } })).toMatchObject({
      kind: 'button',
      text: 'Stop promotions',
    });
    expect(one({ type: 'reaction', reaction: { message_id: 'wamid.OUT', emoji: '👍' } })).toMatchObject({
      kind: 'reaction',
      text: '👍',
      payload: { reaction: { message_id: 'wamid.OUT' } },
    });
  });
  it('context replies and forwards are kept', () => {
    expect(one({ type: 'text', text: { body: 'yes' }, context: { from: '15550001111', id: 'wamid.OURS' } }).payload.context).toEqual({
      from: '15550001111',
      id: 'wamid.OURS',
    });
    expect(one({ type: 'text', text: { body: 'fwd' }, context: { forwarded: true } }).payload.context).toEqual({ forwarded: true });
  });
  it('unsupported, messages with errors, and types we do not know are kept, never thrown', () => {
    const u = one({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown' }] });
    expect(u).toMatchObject({ kind: 'unsupported', payload: { errors: [{ code: 131051 }] } });
    expect(one({ type: 'holographic', holographic: { x: 1 } }).kind).toBe('unsupported');
    expect(one({ type: 'unknown', errors: [{ code: 131051 }] }).kind).toBe('unsupported');
  });
  it('senders identified without a phone number', () => {
    const p = parseWebhook(
      wrap({
        contacts: [{ profile: { name: 'Anon' }, user_id: 'BR.123abc' }],
        messages: [{ from_user_id: 'BR.123abc', id: 'wamid.U', timestamp: '1700000000', type: 'text', text: { body: 'hi' } }],
      }),
    ).messages[0]!;
    expect(p).toMatchObject({ from: null, fromUserId: 'BR.123abc', profileName: 'Anon' });
  });
  it('statuses with errors, pricing (PMP or CBP) and our id', () => {
    const p = parseWebhook(
      wrap({
        statuses: [
          {
            id: 'wamid.A',
            status: 'failed',
            timestamp: '1700000001',
            recipient_id: '1631',
            errors: [{ code: 131047, title: 'Re-engagement message' }],
            biz_opaque_callback_data: 'ours',
          },
          {
            id: 'wamid.B',
            status: 'delivered',
            timestamp: '1700000002',
            recipient_id: '1631',
            pricing: { billable: true, pricing_model: 'PMP', category: 'utility' },
          },
          {
            id: 'wamid.C',
            status: 'read',
            timestamp: '1700000003',
            recipient_id: '1631',
            conversation: { id: 'c1', origin: { type: 'service' } },
            pricing: { pricing_model: 'CBP' },
          },
          { id: 'wamid.D', status: 'deleted', timestamp: '1700000004' },
        ],
      }),
    );
    expect(p.statuses.map((s) => [s.wamid, s.status])).toEqual([
      ['wamid.A', 'failed'],
      ['wamid.B', 'delivered'],
      ['wamid.C', 'read'],
    ]);
    expect(p.statuses[0]).toMatchObject({ ourMessageId: 'ours', error: { code: 131047, title: 'Re-engagement message' } });
    expect(p.ignored).toBe(1);
  });
  it('reads every entry and change, and survives junk', () => {
    expect(parseWebhook(null)).toEqual({ messages: [], statuses: [], ignored: 0 });
    expect(parseWebhook({ entry: [{ changes: [{ field: 'account_update', value: {} }] }] }).ignored).toBe(1);
    const many = {
      entry: [
        msg({ type: 'text', text: { body: 'a' } }).entry[0],
        { changes: [msg({ id: 'wamid.2', type: 'text', text: { body: 'b' } }).entry[0]!.changes[0]] },
      ],
    };
    expect(parseWebhook(many).messages.map((m) => m.text)).toEqual(['a', 'b']);
  });
});
