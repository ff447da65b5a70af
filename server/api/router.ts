import { contactsApi } from './contacts.ts';
import { conversationsApi } from './conversations.ts';
import { reportsApi } from './reports.ts';
import { templatesApi } from './templates.ts';
import { apiRouter } from './trpc.ts';

/** The REST API (/api/v1): every operation has an OpenAPI path and the scope it needs. */
export const restRouter = apiRouter({
  contacts: contactsApi,
  conversations: conversationsApi,
  templates: templatesApi,
  reports: reportsApi,
});
