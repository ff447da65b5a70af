import { describe, expect, it } from 'vitest';
import { historyFilters, transcriptExport } from './history-url.ts';

describe('history filters from the URL', () => {
  it('turns days into the local period, the last day included', () => {
    const f = historyFilters({ from: '2026-12-01', to: '2026-12-07' });
    expect(new Date(f.from!).getTime()).toBe(new Date('2026-12-01T00:00:00').getTime());
    expect(new Date(f.to!).getTime()).toBe(new Date('2026-12-08T00:00:00').getTime());
  });

  it('drops what is empty or not a day, and trims the protocol', () => {
    expect(historyFilters({ from: 'yesterday', team: '', protocol: '  20261207-0001 ' })).toEqual({ protocol: '20261207-0001' });
    expect(historyFilters({ team: 't', channel: 'c', agent: 'a', tag: 'g', disposition: 'd' })).toEqual({
      teamId: 't',
      channelId: 'c',
      agentId: 'a',
      tagId: 'g',
      dispositionId: 'd',
    });
  });

  it('links the exports', () => {
    expect(transcriptExport('abc', 'pdf')).toBe('/exports/transcripts/abc.pdf');
  });
});
