import { z } from 'zod';

/** Shapes the REST API answers with (its OpenAPI document is generated from these). */
export const ref = z.object({ id: z.string(), name: z.string() });
export const instant = z.string().describe('ISO 8601 instant (UTC)');
export const conversationStatus = z.enum(['bot', 'waiting', 'active', 'closed']);

export const contactSummary = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  whatsapp: z.string().nullable().describe('Digits only, with the country code'),
  incomplete: z.boolean().describe('Required fields of the organization are missing'),
});

export const contact = contactSummary.extend({
  fields: z.record(z.string(), z.string()).describe("The organization's extra contact fields"),
});

export const channelRef = z.object({ id: z.string(), kind: z.string(), name: z.string() });

export const conversationSummary = z.object({
  id: z.string(),
  protocol: z.string(),
  status: conversationStatus,
  channel: channelRef,
  team: ref.nullable(),
  assignee: ref.nullable().describe('The agent serving it (closed: who served it)'),
  createdAt: instant,
  closedAt: instant.nullable(),
});

export const sender = z.object({
  type: z.enum(['customer', 'agent', 'bot', 'integration']),
  name: z.string().nullable().describe('The agent, or the API token that sent it'),
});

export const message = z.object({
  id: z.string(),
  seq: z.number().int().describe('Order in the conversation'),
  direction: z.enum(['in', 'out']),
  kind: z.string().describe('text, template, attachment, …'),
  text: z.string(),
  status: z.enum(['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown']),
  sender,
  attachmentId: z.string().nullable(),
  at: instant,
});
