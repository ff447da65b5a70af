import { describe, expect, it } from 'vitest';
import { capacityRefusal, type Load } from './capacity.ts';

const agent = (active: number, ownLimit: number | null, teamLimit: number | null): Load => ({
  role: 'agent',
  active,
  ownLimit,
  teamLimit,
  teamName: 'Support',
});

describe('capacity: active × own limit × team limit × role', () => {
  const rows: [string, Load, ReturnType<typeof capacityRefusal>][] = [
    ['no limit anywhere', agent(40, null, null), null],
    ['under the team limit', agent(2, null, 3), null],
    ['at the team limit', agent(3, null, 3), { key: 'conv.atTeamCapacity', count: 3, team: 'Support' }],
    ['above the team limit (lowered meanwhile)', agent(5, null, 3), { key: 'conv.atTeamCapacity', count: 5, team: 'Support' }],
    ['own limit higher than the team’s replaces it', agent(3, 5, 3), null],
    ['own limit lower than the team’s replaces it', agent(1, 1, 3), { key: 'conv.atOwnCapacity', count: 1 }],
    ['own limit with no team limit', agent(2, 2, null), { key: 'conv.atOwnCapacity', count: 2 }],
    ['an admin is never limited', { ...agent(9, 1, 1), role: 'admin' }, null],
  ];
  for (const [name, load, expected] of rows) {
    it(name, () => expect(capacityRefusal(load)).toEqual(expected));
  }
});
