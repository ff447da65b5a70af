/** How many active conversations an agent may be limited to (teams.max_per_agent, users.max_conversations). */
export const CAPACITY_MIN = 1;
export const CAPACITY_MAX = 1000;
