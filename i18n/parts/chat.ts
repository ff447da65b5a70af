/** Strings of the workspace's chat part. English is the reference; pt-BR must have every key. */
export const en = {
} as const;

export const ptBR: Record<keyof typeof en, string> = {
};
