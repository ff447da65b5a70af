import { describe, expect, it } from 'vitest';
import type { TranscriptHead, TranscriptMessage, TrailRow } from '../../db/queries/transcripts.ts';
import { idsInTrail, transcriptEvents, transcriptParticipantsOf } from './transcript.ts';

const at = (m: number) => new Date(Date.UTC(2026, 11, 7, 12, m));
const ana = { id: 'ana', name: 'Ana' };
const bruno = { id: 'bruno', name: 'Bruno' };
const head = {
  createdAt: at(0),
  closedAt: at(20),
  closedBy: bruno,
  closeReason: 'agent',
  disposition: { id: 'd', name: 'Resolved' },
  rating: 4,
  ratedAt: at(21),
  assignee: bruno,
} as TranscriptHead;
const row = (id: number, action: string, extra: Partial<TrailRow> = {}): TrailRow => ({
  id: String(id),
  at: at(id),
  action,
  actor: null,
  subject: null,
  details: { conversationId: 'c' },
  ...extra,
});

describe('transcript trail', () => {
  const trail = [
    row(2, 'conversation_claimed', { actor: ana }),
    row(3, 'conversation_transferred', { actor: ana, details: { conversationId: 'c', toTeamId: 'sales', toUserId: null } }),
    row(4, 'conversation_claimed', { actor: bruno }),
    row(5, 'conversation_invited', { actor: bruno, subject: { id: 'carla', name: 'Carla' } }),
    row(20, 'conversation_finished', { actor: bruno }),
    row(6, 'something_new', { actor: ana }),
  ];
  const names = { teams: new Map([['sales', 'Sales']]), users: new Map<string, string>() };

  it('tells the story in time order, the close once, with names for where it went', () => {
    const events = transcriptEvents(head, trail, names);
    expect(events.map((e) => e.kind)).toEqual(['created', 'claimed', 'transferred', 'claimed', 'invited', 'other', 'closed', 'rated']);
    expect(events[2]!.target).toEqual({ id: 'sales', name: 'Sales' });
    expect(events[5]!.detail).toBe('something_new');
    expect(events[6]).toMatchObject({ actor: bruno, target: { name: 'Resolved' }, detail: 'agent' });
    expect(events[7]!.detail).toBe('4');
    expect(idsInTrail(trail)).toEqual({ teamIds: ['sales'], userIds: [] });
  });

  it('names who served, who was invited and who wrote', () => {
    const events = transcriptEvents(head, trail, names);
    const messages = [
      { direction: 'in', isBot: false, author: null },
      { direction: 'out', isBot: false, author: ana },
      { direction: 'out', isBot: true, author: null },
    ] as TranscriptMessage[];
    expect(transcriptParticipantsOf(head, messages, [], events)).toEqual([
      { id: 'bruno', name: 'Bruno', roles: ['served'] },
      { id: 'ana', name: 'Ana', roles: ['served', 'wrote'] },
      { id: 'carla', name: 'Carla', roles: ['invited'] },
    ]);
  });
});
