/** New strings of the customer web chat widget (older ones are in the base catalogue). English is the reference. */
export const en = {
} as const;

export const ptBR: Record<keyof typeof en, string> = {
};
