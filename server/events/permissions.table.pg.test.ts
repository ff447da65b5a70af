/**
 * Issue 11 item 3: who receives each event type, as one table. Every type of the catalogue
 * has a row (the table's type makes a missing one a compile error); loosening a rule in
 * permissions.ts adds a receiver to a row and fails here. Real PostgreSQL: the conversation
 * rule asks it for participants, the chat rule for room members.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembers, insertRoom } from '../../db/queries/chat.ts';
import { findOrCreateChannelContact } from '../../db/queries/contacts.ts';
import { addParticipant, insertConversation } from '../../db/queries/conversations.ts';
import { setUserTeams } from '../../db/queries/teams.ts';
import { insertUser } from '../../db/queries/users.ts';
import type { EventData, EventType } from '../../shared/events.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { makeChannel } from '../../test/helpers/conversations.ts';
import { createOtherOrg, demoIds } from '../../test/helpers/orgs.ts';
import type { StoredEvent } from './bus.ts';
import { endsStream, mayReceive, type Receiver } from './permissions.ts';

/**
 * The cast. The conversation waits in Support, served by `assignee` (in Sales only, so only
 * serving it lets them see it), with `participant` (Sales only) invited. `named` is the person
 * events about one user name (`userId`); the chat room's members are `teamAgent` and `named`.
 */
const WHO = ['admin', 'teamAgent', 'otherTeamAgent', 'assignee', 'participant', 'named', 'otherOrg'] as const;
type Who = (typeof WHO)[number];

let db: TestDatabase;
let orgId: string;
const receivers = {} as Record<Who, Receiver>;
let conversation: { conversationId: string; teamId: string; assigneeId: string; targetUserId: null; contactId: string };
let roomId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const ids = await demoIds(db.sql);
  orgId = ids.orgId;
  const salesAgent = async (name: string) => {
    const u = await insertUser(db.sql, { orgId, email: `${name}@permissions.test`, name, role: 'agent' });
    await setUserTeams(db.sql, orgId, u.id, [ids.teams.Sales]);
    return u.id;
  };
  const sales = new Set([ids.teams.Sales]);
  const receiver = (userId: string, role: Receiver['role'], teamIds: Set<string>, org = orgId): Receiver => ({
    orgId: org,
    userId,
    role,
    sessionId: `session-${userId}`,
    teamIds,
  });
  const other = await createOtherOrg(db.sql, 'permissions');
  receivers.admin = receiver(ids.users['admin@demo.test'], 'admin', new Set([ids.teams.Support, ids.teams.Sales]));
  receivers.teamAgent = receiver(ids.users['ana@demo.test'], 'agent', new Set([ids.teams.Support]));
  receivers.otherTeamAgent = receiver(await salesAgent('other'), 'agent', sales);
  receivers.assignee = receiver(await salesAgent('assignee'), 'agent', sales);
  receivers.participant = receiver(await salesAgent('participant'), 'agent', sales);
  receivers.named = receiver(await salesAgent('named'), 'agent', sales);
  // An administrator of another organization: not even their role lets anything through.
  receivers.otherOrg = receiver(other.admin.id, 'admin', new Set([other.team.id]), other.org.id);

  const channel = await makeChannel(db.sql, ids);
  const { contact } = await findOrCreateChannelContact(db.sql, orgId, { whatsapp: '5511999990001', name: 'Customer' });
  const c = await insertConversation(db.sql, {
    orgId,
    protocol: 'P-1',
    contactId: contact.id,
    channelId: channel.id,
    status: 'active',
    teamId: ids.teams.Support,
    assigneeId: receivers.assignee.userId,
  });
  await addParticipant(db.sql, c, receivers.participant.userId, receivers.assignee.userId);
  conversation = {
    conversationId: c.id,
    teamId: ids.teams.Support,
    assigneeId: receivers.assignee.userId,
    targetUserId: null,
    contactId: contact.id,
  };
  roomId = (await insertRoom(db.sql, { orgId, kind: 'group', directKey: null, createdBy: receivers.teamAgent.userId }))!;
  await addMembers(db.sql, orgId, roomId, [receivers.teamAgent.userId, receivers.named.userId]);
});
afterAll(() => db?.drop());

interface Row<T extends EventType> {
  data: () => EventData<T>;
  /** Exactly who receives it. */
  to: Who[];
}

const everyoneOfTheOrg: Who[] = ['admin', 'teamAgent', 'otherTeamAgent', 'assignee', 'participant', 'named'];
const whoSeesTheConversation: Who[] = ['admin', 'teamAgent', 'assignee', 'participant'];
const named = () => receivers.named.userId;
const message = () =>
  ({
    ...conversation,
    messageId: '00000000-0000-0000-0000-000000000001',
    status: 'sent',
    direction: 'out',
    conversationStatus: 'active',
  }) as const;

/** One row per event type. */
const table: { [T in EventType]: Row<T> } = {
  'user.status': { data: () => ({ userId: named(), status: 'online' }), to: everyoneOfTheOrg },
  'user.presence': { data: () => ({ userId: named(), connected: false }), to: everyoneOfTheOrg },
  'user.created': { data: () => ({ userId: named() }), to: everyoneOfTheOrg },
  'user.updated': { data: () => ({ userId: named() }), to: everyoneOfTheOrg },
  'user.deactivated': { data: () => ({ userId: named() }), to: everyoneOfTheOrg },
  'user.sessions_revoked': { data: () => ({ userId: named() }), to: ['named'] },
  'session.ended': { data: () => ({ sessionId: `session-${named()}`, userId: named() }), to: ['named'] },
  'agent.pauseOverrun': { data: () => ({ userId: named(), pauseId: '00000000-0000-0000-0000-000000000002' }), to: ['admin'] },
  'team.updated': { data: () => ({ teamId: conversation.teamId }), to: everyoneOfTheOrg },
  'org.updated': { data: () => ({}), to: everyoneOfTheOrg },
  'config.updated': { data: () => ({ kind: 'tags', id: '00000000-0000-0000-0000-000000000003' }), to: everyoneOfTheOrg },
  'contact.updated': { data: () => ({ contactId: conversation.contactId }), to: everyoneOfTheOrg },
  'notes.changed': { data: () => ({ contactId: conversation.contactId }), to: everyoneOfTheOrg },
  'conversation.updated': { data: () => ({ ...conversation, status: 'active' }), to: whoSeesTheConversation },
  'queue.changed': { data: () => ({ ...conversation, status: 'active' }), to: whoSeesTheConversation },
  'conversation.left': { data: () => conversation, to: whoSeesTheConversation },
  'conversation.returned': { data: () => ({ ...conversation, userId: named(), reason: 'no_answer' }), to: whoSeesTheConversation },
  'conversation.slaBreached': {
    data: () => ({ ...conversation, kind: 'first', dueAt: '2026-01-01T00:00:00.000Z' }),
    to: whoSeesTheConversation,
  },
  'conversation.participants': { data: () => ({ ...conversation, userId: named() }), to: whoSeesTheConversation },
  'message.created': { data: message, to: whoSeesTheConversation },
  'message.status': { data: message, to: whoSeesTheConversation },
  'read.marked': { data: () => ({ conversationId: conversation.conversationId, userId: named(), seq: 3 }), to: ['named'] },
  'chat.members': { data: () => ({ roomId }), to: ['teamAgent', 'named'] },
  'chat.message': { data: () => ({ roomId }), to: ['teamAgent', 'named'] },
};

let nextId = 1;
const stored = (type: string, data: unknown): StoredEvent =>
  ({ id: String(nextId++), orgId, at: new Date().toISOString(), type, data }) as StoredEvent;

async function receiversOf(event: StoredEvent): Promise<Who[]> {
  const out: Who[] = [];
  for (const who of WHO) if (await mayReceive(event, receivers[who], db.sql)) out.push(who);
  return out;
}

describe('who receives each event type', () => {
  for (const [type, row] of Object.entries(table) as [EventType, Row<EventType>][]) {
    it(`${type} → ${row.to.join(', ')}`, async () => {
      expect(await receiversOf(stored(type, row.data()))).toEqual(row.to);
    });
  }

  it('a colleague a change removed hears of it once (formerParticipantIds), nobody else more', async () => {
    const data = { ...conversation, status: 'closed', formerParticipantIds: [receivers.otherTeamAgent.userId] };
    expect(await receiversOf(stored('conversation.updated', data))).toEqual([
      'admin',
      'teamAgent',
      'otherTeamAgent',
      'assignee',
      'participant',
    ]);
  });

  it('the person a conversation is transferred to (targetUserId) receives it', async () => {
    const data = { ...conversation, assigneeId: null, status: 'waiting', targetUserId: receivers.named.userId };
    expect(await receiversOf(stored('queue.changed', data))).toEqual(['admin', 'teamAgent', 'participant', 'named']);
  });

  it('an event of the same type in another organization reaches none of this one', async () => {
    const event = { ...stored('user.updated', { userId: named() }), orgId: receivers.otherOrg.orgId } as StoredEvent;
    expect(await receiversOf(event)).toEqual(['otherOrg']);
  });

  it('a stored type the catalogue no longer has reaches nobody', async () => {
    expect(await receiversOf(stored('legacy.removed', { userId: named() }))).toEqual([]);
    expect(await receiversOf(stored('toString', {}))).toEqual([]);
  });
});

describe('which events end a stream', () => {
  it('its session ending, or every session of its user revoked, or its user deactivated', () => {
    const ends = (type: string, data: unknown) => WHO.filter((who) => endsStream(stored(type, data), receivers[who]));
    expect(ends('session.ended', { sessionId: `session-${named()}`, userId: named() })).toEqual(['named']);
    expect(ends('user.sessions_revoked', { userId: named() })).toEqual(['named']);
    expect(ends('user.deactivated', { userId: named() })).toEqual(['named']);
    expect(ends('user.updated', { userId: named() })).toEqual([]);
  });
});
