import { describe, expect, it } from 'vitest';
import type { VisitorMessageRow } from '../../../db/queries/webchat.ts';
import { visitorView } from './view.ts';

const row = (over: Partial<VisitorMessageRow>): VisitorMessageRow => ({
  id: 'm1',
  conversationId: 'c1',
  direction: 'out',
  kind: 'text',
  text: 'Hello',
  wireText: 'Hello',
  status: 'sent',
  isBot: false,
  notice: null,
  menuLabel: null,
  authorLabel: 'Ana',
  channelMessageId: null,
  attachment: null,
  at: new Date(0),
  seq: 1,
  ...over,
});

describe('visitorView', () => {
  it('gives the agent label as a name, never as markup', () => {
    expect(visitorView(row({ wireText: 'Ana: *Hello*', text: '*Hello*' }), 'v')).toMatchObject({ author: 'Ana', text: '*Hello*' });
    expect(visitorView(row({ wireText: '*Ana:* Hello' }), 'v')).toMatchObject({ author: 'Ana', text: 'Hello' });
    // Identification off: no label, the text as sent.
    expect(visitorView(row({ wireText: 'Hello', authorLabel: null }), 'v')).toMatchObject({ author: null, text: 'Hello' });
  });

  it('names the menu choice and the rating request', () => {
    expect(visitorView(row({ direction: 'in', text: '1', wireText: null, menuLabel: 'Support' }), 'v')).toMatchObject({
      text: '1',
      menuChoice: 'Support',
    });
    expect(visitorView(row({ isBot: true, notice: 'rating_request', authorLabel: null }), 'v').notice).toBe('ratingRequest');
  });
});
