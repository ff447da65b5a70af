/** The History screen's filters as the URL keeps them (back button, reload, a shared link). */
export const HISTORY_FILTERS = ['from', 'to', 'team', 'channel', 'agent', 'tag', 'disposition', 'protocol'] as const;
export type HistoryFilterName = (typeof HISTORY_FILTERS)[number];
export type HistoryParams = { [K in HistoryFilterName]?: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The server's filters: the period from the start of the first day to the start of the day after
 * the last, in this device's time zone (a date field has no zone of its own).
 */
export function historyFilters(p: HistoryParams) {
  const start = (day: string) => new Date(`${day}T00:00:00`);
  const valid = (day: string | undefined): day is string => !!day && DAY.test(day) && !Number.isNaN(start(day).getTime());
  const filters: {
    from?: string;
    to?: string;
    teamId?: string;
    channelId?: string;
    agentId?: string;
    tagId?: string;
    dispositionId?: string;
    protocol?: string;
  } = {};
  if (valid(p.from)) filters.from = start(p.from).toISOString();
  if (valid(p.to)) {
    const end = start(p.to);
    end.setDate(end.getDate() + 1);
    filters.to = end.toISOString();
  }
  if (p.team) filters.teamId = p.team;
  if (p.channel) filters.channelId = p.channel;
  if (p.agent) filters.agentId = p.agent;
  if (p.tag) filters.tagId = p.tag;
  if (p.disposition) filters.dispositionId = p.disposition;
  const protocol = p.protocol?.trim();
  if (protocol) filters.protocol = protocol;
  return filters;
}

/** The server's downloads of a transcript (session cookie; same rule as opening it). */
export const transcriptExport = (conversationId: string, kind: 'txt' | 'pdf') => `/exports/transcripts/${conversationId}.${kind}`;
