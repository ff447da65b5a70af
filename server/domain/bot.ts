export interface BotOption {
  key: string;
  label: string;
  teamId: string;
}

/** The menu as one message: greeting, then "1 Support", "2 Sales"… */
export function renderMenu(greeting: string, options: readonly BotOption[]): string {
  const lines = options.map((o) => `${o.key} ${o.label}`);
  return [greeting.trim(), ...lines].filter(Boolean).join('\n');
}

/** The option the customer chose: its key ("1"), or its label, case- and accent-insensitive. */
export function chooseOption(text: string, options: readonly BotOption[]): BotOption | null {
  const norm = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .trim()
      .toLowerCase()
      .replace(/[.)\s]+$/u, '');
  const answer = norm(text);
  if (!answer) return null;
  return options.find((o) => norm(o.key) === answer) ?? options.find((o) => norm(o.label) === answer) ?? null;
}
