import { adminRouter } from './routers/admin.ts';
import { authRouter } from './routers/auth.ts';
import { eventsRouter } from './routers/events.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  admin: adminRouter,
  events: eventsRouter,
});

export type AppRouter = typeof appRouter;
