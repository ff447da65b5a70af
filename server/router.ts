import { adminRouter } from './routers/admin.ts';
import { agentsRouter } from './routers/agents.ts';
import { authRouter } from './routers/auth.ts';
import { cannedRouter, channelsRouter, templatesRouter } from './routers/catalog.ts';
import { chatRouter } from './routers/chat.ts';
import { contactsRouter } from './routers/contacts.ts';
import { conversationsRouter, queueRouter } from './routers/conversations.ts';
import { eventsRouter } from './routers/events.ts';
import { notesRouter } from './routers/notes.ts';
import { searchRouter } from './routers/search.ts';
import { reportsRouter } from './routers/reports.ts';
import { privacyRouter } from './routers/privacy.ts';
import { pushRouter } from './routers/push.ts';
import { router } from './trpc.ts';
import { secondStepRouter } from './routers/second-step.ts';
import { twofactorRouter } from './routers/twofactor.ts';

export const appRouter = router({
  auth: authRouter,
  admin: adminRouter,
  events: eventsRouter,
  contacts: contactsRouter,
  channels: channelsRouter,
  templates: templatesRouter,
  canned: cannedRouter,
  agents: agentsRouter,
  queue: queueRouter,
  conversations: conversationsRouter,
  chat: chatRouter,
  notes: notesRouter,
  search: searchRouter,
  reports: reportsRouter,
  privacy: privacyRouter,
  push: pushRouter,
  secondStep: secondStepRouter,
  twofactor: twofactorRouter,
});

export type AppRouter = typeof appRouter;
