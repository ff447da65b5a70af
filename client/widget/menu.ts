export interface MenuOption {
  key: string;
  label: string;
}

/**
 * The bot menu as the server renders it (server/domain/bot.ts renderMenu): a greeting, then
 * one line per option, "1 Support". With the channel's options known (GET /webchat/channel),
 * exactly their lines become buttons that send the key; before that, lines that look like
 * options do. The rest stays text.
 */
export function parseMenu(text: string, known: readonly MenuOption[] | null = null): { text: string; options: MenuOption[] } {
  const lines = text.split('\n');
  const options: MenuOption[] = [];
  const rest: string[] = [];
  for (const line of lines) {
    const option = known ? known.find((o) => line.trim() === `${o.key} ${o.label}`.trim()) : matchLine(line);
    if (option && !options.some((o) => o.key === option.key)) options.push({ key: option.key, label: option.label });
    else rest.push(line);
  }
  // A single numbered line is more likely a sentence ("1 item left") than a menu.
  if (options.length < 2) return { text, options: [] };
  return { text: rest.join('\n').trim(), options };
}

function matchLine(line: string): MenuOption | null {
  const m = /^\s*(\d{1,3})\s*[-.):]?\s+(\S.*?)\s*$/u.exec(line);
  return m ? { key: m[1]!, label: m[2]! } : null;
}
