import { expect, it } from 'vitest';
import type { SyncServer } from '../../sync/server/server.ts';
import type { Services } from '../services/index.ts';
import { evictErasedDocs } from './sync-eviction.ts';

/**
 * Contacts are edited all day: only an erasure's announcement may cost a query (and only when
 * one of the contact's documents may be loaded here).
 */
it('asks the database only for an erasure, and evicts only the erased documents', async () => {
  const orgId = '00000000-0000-4000-8000-000000000001';
  const contactId = '00000000-0000-4000-8000-000000000002';
  let listener: ((e: unknown) => void) | null = null;
  const queries: string[] = [];
  const sql = (strings: TemplateStringsArray) => {
    queries.push(strings.join('?'));
    return Promise.resolve([{ name: `notes:${contactId}` }]);
  };
  const services = {
    sql,
    bus: {
      subscribe: (l: (e: unknown) => void) => {
        listener = l;
        return () => {};
      },
    },
    log: { warn: () => {} },
  } as unknown as Services;
  const evicted: string[] = [];
  const rooms = [
    { orgId, name: { kind: 'notes', contactId, name: `notes:${contactId}` } },
    { orgId, name: { kind: 'conversation', conversationId: 'c1', name: 'conversation:c1' } },
  ];
  const server = {
    loadedRooms: () => rooms,
    evict: (name: string) => {
      evicted.push(name);
      return true;
    },
  } as unknown as SyncServer;
  evictErasedDocs(services, server);

  listener!({ type: 'contact.updated', orgId, data: { contactId } });
  await Promise.resolve();
  expect(queries).toEqual([]);

  listener!({ type: 'contact.updated', orgId, data: { contactId, erased: true } });
  await new Promise((r) => setImmediate(r));
  expect(queries).toHaveLength(1);
  expect(evicted).toEqual([`notes:${contactId}`]);
});
