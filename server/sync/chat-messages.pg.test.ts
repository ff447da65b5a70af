import type * as Y from 'yjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../sync/shared/close-codes.ts';
import { addChatMessage, chatMessages, deleteChatMessage, readChatMessages } from '../../sync/shared/schemas.ts';
import { openEventStream } from '../../test/helpers/events.ts';
import { waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import { archiveChatRoom, archiveLoadedChats, CHAT_ARCHIVE_ABOVE, CHAT_ARCHIVE_KEEP, storedRoomDoc } from '../commands/chat.ts';
import { ana, app, as, bruno, ids, refusal, roomOf, useChatApp } from './chat-test-setup.ts';

useChatApp();

describe('messages in the room document', () => {
  let roomId: string;
  beforeAll(async () => {
    roomId = (await as.ana!.chat.open.mutate({ userIds: [bruno] })).roomId;
  });

  /** The room as PostgreSQL has it. */
  const stored = async () => readChatMessages(await storedRoomDoc(app.db.sql, ids.orgId, roomId));

  it('nobody may change or delete another user’s message; such a socket is closed and nothing is stored', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    addChatMessage(a.doc, ana, 'hello from Ana');
    await waitFor(async () => (await stored()).some((m) => m.text === 'hello from Ana'), 'stored');

    const attacks: [string, (doc: Y.Doc) => void][] = [
      ['edit', (doc) => chatMessages(doc).get(0).set('text', 'edited by Bruno')],
      ['add a field', (doc) => chatMessages(doc).get(0).set('pinned', true)],
      ['delete', (doc) => chatMessages(doc).delete(0, 1)],
    ];
    for (const [what, attack] of attacks) {
      const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
      await b.synced();
      await waitFor(async () => chatMessages(b.doc).length > 0, 'Bruno sees the message');
      attack(b.doc);
      await waitFor(async () => b.closes.includes(CloseCode.Forbidden), `${what} refused`);
      b.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(readChatMessages(a.doc).map((m) => m.text)).toEqual(['hello from Ana']);
    expect(chatMessages(a.doc).get(0).has('pinned')).toBe(false);
    expect((await stored()).map((m) => m.text)).toEqual(['hello from Ana']);

    // Bruno's own messages are his to write and delete.
    const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await b.synced();
    const mine = addChatMessage(b.doc, bruno, 'typo');
    addChatMessage(b.doc, bruno, 'hi Ana');
    await waitFor(async () => readChatMessages(a.doc).length === 3, 'Ana sees Bruno');
    deleteChatMessage(b.doc, mine.get('id') as string);
    await waitFor(
      async () =>
        readChatMessages(a.doc)
          .map((m) => m.text)
          .join('|') === 'hello from Ana|hi Ana',
      'own delete',
    );
    expect(b.closes).toEqual([]);
    expect((await stored()).map((m) => m.text)).toEqual(['hello from Ana', 'hi Ana']);
    a.destroy();
    b.destroy();
  });

  it('unread counts follow each member’s read position', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    const live = () => chatMessages(a.doc).length;
    // Nothing read yet: all of it is unread for both (Ana's own messages too, until she marks them).
    expect((await roomOf(as.bruno!, roomId))!.unread).toBe(live());
    expect(await as.bruno!.chat.markRead.mutate({ roomId, count: live() })).toEqual({ unread: 0 });
    for (const text of ['one', 'two']) addChatMessage(a.doc, ana, text);
    await waitFor(async () => (await roomOf(as.bruno!, roomId))!.unread === 2, 'two unread');
    // Read positions never move back (an older tab reporting late).
    expect(await as.bruno!.chat.markRead.mutate({ roomId, count: 1 })).toEqual({ unread: 2 });
    // …and never past what the document holds.
    expect(await as.bruno!.chat.markRead.mutate({ roomId, count: 10_000 })).toEqual({ unread: 0 });
    addChatMessage(a.doc, ana, 'three');
    await waitFor(async () => (await roomOf(as.bruno!, roomId))!.unread === 1, 'one unread');
    a.destroy();
  });

  it('refuses a message signed as another user', async () => {
    const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await b.synced();
    const count = (await stored()).length;
    addChatMessage(b.doc, ana, 'written by Bruno, claiming to be Ana');
    await waitFor(async () => b.closes.includes(CloseCode.Forbidden), 'closed');
    b.destroy();
    expect((await stored()).length).toBe(count);
  });

  it('older messages move to PostgreSQL rows, readable through chat.history, with the server’s author', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    const b = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await Promise.all([a.synced(), b.synced()]);
    const before = chatMessages(a.doc).length;
    for (let i = 0; i < 20; i++) addChatMessage(a.doc, ana, `bulk ${i}`);
    await waitFor(async () => chatMessages(b.doc).length === before + 20, 'Bruno has them');
    addChatMessage(b.doc, bruno, 'written by Bruno');
    const total = before + 21;
    await waitFor(async () => (await stored()).length === total && chatMessages(b.doc).length === total, 'all stored');
    const unreadBefore = (await roomOf(as.bruno!, roomId))!.unread;
    const oldest = readChatMessages(a.doc).slice(0, total - 10);

    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 20, keep: 10 })).toBe(total - 10);
    // Both peers see the document shrink; PostgreSQL has the same.
    await waitFor(async () => chatMessages(a.doc).length === 10 && chatMessages(b.doc).length === 10, 'peers see the archive');
    expect((await stored()).length).toBe(10);
    expect(readChatMessages(a.doc).at(-1)!.text).toBe('written by Bruno');
    // Archiving changes nobody's unread count.
    expect((await roomOf(as.bruno!, roomId))!.unread).toBe(unreadBefore);

    const history = await as.bruno!.chat.history.query({ roomId });
    expect(history.nextBefore).toBeNull();
    expect(history.messages.map((m) => m.text)).toEqual(oldest.map((m) => m.text).reverse());
    expect(history.messages.find((m) => m.text === 'hi Ana')).toMatchObject({
      authorId: bruno,
      authorName: expect.stringMatching(/^Bruno/),
    });
    expect(history.messages.find((m) => m.text === 'bulk 0')).toMatchObject({ authorId: ana });
    const page = await as.bruno!.chat.history.query({ roomId, before: history.messages[2]!.seq });
    expect(page.messages[0]!.text).toBe(history.messages[3]!.text);

    // The live document is under the limit: nothing more moves; then the rest goes, with Bruno as author.
    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 20, keep: 10 })).toBe(0);
    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 5, keep: 0 })).toBe(10);
    const claim = (await as.ana!.chat.history.query({ roomId })).messages[0];
    expect(claim).toMatchObject({ text: 'written by Bruno', authorId: bruno });
    a.destroy();
    b.destroy();
  });

  it('the sweep archives the rooms in memory that grew past the limit', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    const before = chatMessages(a.doc).length;
    a.doc.transact(() => {
      for (let i = before; i <= CHAT_ARCHIVE_ABOVE; i++) addChatMessage(a.doc, ana, `burst ${i}`);
    });
    await waitFor(async () => (await stored()).length === CHAT_ARCHIVE_ABOVE + 1, 'stored');
    const failures: unknown[] = [];
    // Sweep until it has seen the room grow (the server applies an update just after storing it).
    await waitFor(async () => {
      await archiveLoadedChats(app.db.sql, app.sync, (_msg, err) => failures.push(err));
      await new Promise((r) => setTimeout(r, 50));
      return chatMessages(a.doc).length === CHAT_ARCHIVE_KEEP;
    }, 'archived down to the margin');
    expect(failures).toEqual([]);
    expect(readChatMessages(a.doc).at(-1)!.text).toBe(`burst ${CHAT_ARCHIVE_ABOVE}`);
    // Start the next test from an empty room.
    await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 0, keep: 0 });
    a.destroy();
  });

  it('archives a room that is not in memory, and lets it go again', async () => {
    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    for (let i = 0; i < 8; i++) addChatMessage(a.doc, ana, `later ${i}`);
    await waitFor(async () => (await stored()).length === 8, 'stored');
    a.destroy();
    await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded');
    expect(await archiveChatRoom(app.db.sql, app.sync, ids.orgId, roomId, { above: 5, keep: 3 })).toBe(5);
    expect((await stored()).map((m) => m.text)).toEqual(['later 5', 'later 6', 'later 7']);
    await waitFor(async () => app.sync.loadedDocs === 0, 'unloaded again');
    const fresh = connectDoc(app.url, `chat:${roomId}`, as.bruno!.cookie);
    await fresh.synced();
    expect(readChatMessages(fresh.doc).map((m) => m.text)).toEqual(['later 5', 'later 6', 'later 7']);
    fresh.destroy();
  });
});

describe('chat.posted: the unread hint on a new message', () => {
  it('tells the room’s members (and only them) once the message is stored; nothing for a message it does not hold or someone else wrote', async () => {
    const roomId = (await as.ana!.chat.open.mutate({ userIds: [bruno] })).roomId as string;
    const brunoEvents = openEventStream(app.url, as.bruno!.cookie);
    const carlaEvents = openEventStream(app.url, as.carla!.cookie);
    await Promise.all([brunoEvents.started, carlaEvents.started]);
    const told = (s: typeof brunoEvents) => s.received.filter((e) => e.data.type === 'chat.message' && e.data.roomId === roomId).length;

    const a = connectDoc(app.url, `chat:${roomId}`, as.ana!.cookie);
    await a.synced();
    const id = addChatMessage(a.doc, ana, 'are you there?').get('id') as string;
    // Called at once, as the browser does: it waits for the message to be stored.
    expect(await as.ana!.chat.posted.mutate({ roomId, messageId: id })).toEqual({ announced: true });
    await waitFor(async () => told(brunoEvents) === 1, 'Bruno told');
    expect((await roomOf(as.bruno!, roomId))!.unread).toBeGreaterThan(0);

    // Bruno cannot announce Ana's message, nor anyone a message the room does not hold.
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await as.bruno!.chat.posted.mutate({ roomId, messageId: id })).toEqual({ announced: false });
    expect(await as.ana!.chat.posted.mutate({ roomId, messageId: unknown })).toEqual({ announced: false });
    // Not a member: not found.
    expect((await refusal(as.carla!.chat.posted.mutate({ roomId, messageId: id }))).code).toBe('NOT_FOUND');
    await new Promise((r) => setTimeout(r, 300));
    expect(told(brunoEvents)).toBe(1);
    expect(told(carlaEvents)).toBe(0);
    brunoEvents.close();
    carlaEvents.close();
    a.destroy();
  });
});
