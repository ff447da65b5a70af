import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userColor } from '../../sync/shared/awareness-user.ts';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { demoIds, waitFor } from '../../test/helpers/orgs.ts';
import { connectDoc } from '../../test/helpers/sync.ts';
import { makeContact } from '../../test/helpers/factories.ts';

let app: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp({}, { sync: { idleUnloadMs: 300 } });
  ids = await demoIds(app.db.sql);
  for (const who of ['ana', 'bruno', 'carla']) cookies[who] = (await app.login(`${who}@demo.test`)).cookie!;
});
afterAll(() => app?.stop());

type State = { user?: { id?: string; name?: string; color?: string; colorLight?: string }; [field: string]: unknown };

describe('awareness says who a peer really is', () => {
  it('Bruno’s provider claiming to be Ana shows as Bruno to Ana, to later peers and in the server’s copy; other fields are kept', async () => {
    const name = `presence:${ids.orgId}`;
    const anaId = ids.users['ana@demo.test']!;
    const brunoId = ids.users['bruno@demo.test']!;
    const ana = connectDoc(app.url, name, cookies.ana!);
    const bruno = connectDoc(app.url, name, cookies.bruno!);
    await Promise.all([ana.synced(), bruno.synced()]);
    const typing = Date.now();
    bruno.provider.awareness.setLocalState({
      user: { id: anaId, name: 'Ana Souza', color: '#ff0000', colorLight: '#ff000033', avatar: 'a.png' },
      viewing: true,
      typing,
    });
    const seen = (peer: ReturnType<typeof connectDoc>) => peer.provider.awareness.getStates().get(bruno.doc.clientID) as State | undefined;
    const expected = { id: brunoId, name: 'Bruno Lima', ...userColor(brunoId), avatar: 'a.png' };
    await waitFor(async () => seen(ana)?.typing === typing, 'Ana sees Bruno’s state');
    expect(seen(ana)).toEqual({ user: expected, viewing: true, typing });
    // Nobody on the document appears as Ana but Ana herself.
    const claimsAna = [...ana.provider.awareness.getStates()].filter(
      ([clientId, s]) => clientId !== ana.doc.clientID && (s as State).user?.id === anaId,
    );
    expect(claimsAna).toEqual([]);
    // The server keeps the stamped state: a peer arriving later gets it from there.
    const room = app.sync.loadedRooms().find((r) => r.name.name === name)!;
    expect((room.awareness.getStates().get(bruno.doc.clientID) as State).user).toEqual(expected);
    const carla = connectDoc(app.url, name, cookies.carla!);
    await carla.synced();
    await waitFor(async () => seen(carla)?.typing === typing, 'Carla gets Bruno’s state on arrival');
    expect(seen(carla)!.user).toEqual(expected);
    // A later change of one field (as "typing" is sent) is stamped too.
    bruno.provider.awareness.setLocalStateField('typing', 0);
    await waitFor(async () => seen(ana)?.typing === 0, 'the change arrives');
    expect(seen(ana)!.user).toEqual(expected);
    ana.destroy();
    bruno.destroy();
    carla.destroy();
  });

  it('a notes cursor carries the server’s name and colour, whatever the editor set', async () => {
    const c = await makeContact(app.db.sql, ids.orgId, { name: 'Cursor Person', email: 'cursor@x.test', whatsapp: '5511912349999' });
    const name = `notes:${c}`;
    const brunoId = ids.users['bruno@demo.test']!;
    const ana = connectDoc(app.url, name, cookies.ana!);
    const bruno = connectDoc(app.url, name, cookies.bruno!);
    await Promise.all([ana.synced(), bruno.synced()]);
    // y-codemirror.next's shape: { name, color, colorLight } and the cursor beside it.
    bruno.provider.awareness.setLocalStateField('user', { name: 'Ana Souza', color: '#000', colorLight: '#0003' });
    bruno.provider.awareness.setLocalStateField('cursor', { anchor: 1, head: 2 });
    const seen = () => ana.provider.awareness.getStates().get(bruno.doc.clientID) as State | undefined;
    await waitFor(async () => seen()?.cursor !== undefined && seen()?.user !== undefined, 'Ana sees Bruno’s cursor');
    expect(seen()).toEqual({ user: { id: brunoId, name: 'Bruno Lima', ...userColor(brunoId) }, cursor: { anchor: 1, head: 2 } });
    ana.destroy();
    bruno.destroy();
  });
});
