import { describe, expect, it } from 'vitest';
import { assignOffers, type RoutingAgent } from './routing.ts';

const agent = (id: string, load: number, lastRoutedMinutesAgo: number | null = null, ownLimit: number | null = null): RoutingAgent => ({
  id,
  load,
  ownLimit,
  lastRoutedAt: lastRoutedMinutesAgo === null ? null : new Date(Date.UTC(2026, 0, 1, 12, 0) - lastRoutedMinutesAgo * 60_000),
});
const conv = (id: string, passedBy: string[] = []) => ({ id, passedBy: new Set(passedBy) });

describe('assignOffers: which agent is offered which conversation', () => {
  it.each([
    ['fewest first', [conv('c1')], [agent('a', 2), agent('b', 1)], 5, [['c1', 'b']]],
    ['ties: idle longest', [conv('c1')], [agent('a', 1, 5), agent('b', 1, 30)], 5, [['c1', 'b']]],
    ['ties: never routed is idle longest', [conv('c1')], [agent('a', 0, 1), agent('b', 0)], 5, [['c1', 'b']]],
    ['ties everywhere: by id', [conv('c1')], [agent('b', 0), agent('a', 0)], 5, [['c1', 'a']]],
    [
      'spreads a burst evenly, in queue order',
      [conv('c1'), conv('c2'), conv('c3')],
      [agent('a', 0, 10), agent('b', 0, 20)],
      5,
      [
        ['c1', 'b'],
        ['c2', 'a'],
        ['c3', 'b'],
      ],
    ],
    ['at the team limit: nobody', [conv('c1')], [agent('a', 3)], 3, []],
    ['own limit replaces the team limit (lower)', [conv('c1')], [agent('a', 1, null, 1), agent('b', 2)], 3, [['c1', 'b']]],
    ['own limit replaces the team limit (higher)', [conv('c1')], [agent('a', 3, null, 4)], 3, [['c1', 'a']]],
    ['no limit anywhere: unlimited', [conv('c1')], [agent('a', 500)], null, [['c1', 'a']]],
    ['who passed it is skipped', [conv('c1', ['a'])], [agent('a', 0), agent('b', 2)], 3, [['c1', 'b']]],
    ['everyone passed it: it waits, the next one is offered', [conv('c1', ['a']), conv('c2')], [agent('a', 0)], 3, [['c2', 'a']]],
    ['capacity fills as the batch goes', [conv('c1'), conv('c2'), conv('c3')], [agent('a', 1)], 2, [['c1', 'a']]],
  ] as const)('%s', (_name, conversations, agents, teamLimit, expected) => {
    const offers = assignOffers(conversations, agents, teamLimit);
    expect(offers.map((o) => [o.conversationId, o.agentId])).toEqual(expected);
  });
});
