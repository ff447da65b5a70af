import type { trpc } from '../../trpc.ts';

/** Shapes of the server's answers, straight from the router's types. */
export type QueueItem = Awaited<ReturnType<typeof trpc.queue.list.query>>[number];
export type MineItem = Awaited<ReturnType<typeof trpc.conversations.mine.query>>[number];
export type ConversationView = Awaited<ReturnType<typeof trpc.conversations.get.query>>;
export type ConversationMessage = ConversationView['messages'][number];
