import { agents } from './agents.ts';
import { contactsConfig } from './contacts-config.ts';
import { conversations } from './conversations.ts';
import { foundation } from './foundation.ts';
import { history } from './history.ts';
import { sync } from './sync.ts';
import { reports } from './reports.ts';
import { search } from './search.ts';
import { push } from './push.ts';
import { privacy } from './privacy.ts';
import { templatesSync } from './templates-sync.ts';
import { twofactor } from './twofactor.ts';
import { webhooks } from './webhooks.ts';
import { api } from './api.ts';
import type { MatrixPart } from './types.ts';

/** Every part of the router's access matrix; a part adds its file here. */
export const parts: MatrixPart[] = [
  foundation,
  conversations,
  agents,
  contactsConfig,
  sync,
  reports,
  search,
  history,
  push,
  privacy,
  templatesSync,
  twofactor,
  webhooks,
  api,
];
