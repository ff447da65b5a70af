import type { TestApp } from '../helpers/app.ts';
import type { demoIds } from '../helpers/orgs.ts';

export type Ids = Awaited<ReturnType<typeof demoIds>> & { extra: Record<string, string> };

/**
 * One row of the access matrix: who may call a procedure, and what a user of another
 * organization gets when aiming it at the demo organization's ids.
 */
export type Case = {
  access: 'public' | 'authed' | 'admin';
  type: 'query' | 'mutation' | 'subscription';
  /** Input aimed at the demo organization's data. */
  input?: (ids: Ids) => unknown;
  /** What another organization's admin gets: refused (with this code), or only its own data. */
  crossOrg: 'NOT_FOUND' | 'BAD_REQUEST' | 'FORBIDDEN' | 'own-data' | 'no-target';
};

/** One part's rows, and optional set-up that creates demo-organization data its inputs aim at. */
export interface MatrixPart {
  rows: Record<string, Case>;
  /** Returns ids (added to `ids.extra`, and to the secrets another organization must never see). */
  setup?: (app: TestApp, ids: Ids) => Promise<Record<string, string>>;
}
