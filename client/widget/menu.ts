export interface MenuOption {
  key: string;
  label: string;
}

/**
 * The bot menu as the server renders it (server/domain/bot.ts renderMenu): a greeting, then
 * one line per option, "1 Support". Lines that look like options become buttons that send
 * the key; the rest stays text.
 */
export function parseMenu(text: string): { text: string; options: MenuOption[] } {
  const lines = text.split('\n');
  const options: MenuOption[] = [];
  const rest: string[] = [];
  for (const line of lines) {
    const m = /^\s*(\d{1,3})\s*[-.):]?\s+(\S.*?)\s*$/u.exec(line);
    if (m) options.push({ key: m[1]!, label: m[2]! });
    else rest.push(line);
  }
  // A single numbered line is more likely a sentence ("1 item left") than a menu.
  if (options.length < 2) return { text, options: [] };
  return { text: rest.join('\n').trim(), options };
}
