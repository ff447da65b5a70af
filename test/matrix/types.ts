import type { TestApp } from '../helpers/app.ts';
import type { demoIds } from '../helpers/orgs.ts';

export type Ids = Awaited<ReturnType<typeof demoIds>> & { extra: Record<string, string> };

/**
 * One row of the access matrix: who may call a procedure, and what a user of another
 * organization gets when aiming it at the demo organization's ids.
 */
export type Case = {
  /** 'supervisor': admins, and supervisors for their own teams (the board, the reports); 'admin': admins only. */
  access: 'public' | 'authed' | 'supervisor' | 'admin';
  type: 'query' | 'mutation' | 'subscription';
  /** Input aimed at the demo organization's data. */
  input?: (ids: Ids) => unknown;
  /** What another organization's admin gets: refused (with this code), or only its own data. */
  crossOrg: 'NOT_FOUND' | 'BAD_REQUEST' | 'FORBIDDEN' | 'own-data' | 'no-target';
  /**
   * For procedures on one conversation: what an agent of the organization gets when it is not
   * in the conversation's team (Ana on a Sales conversation), and when it is in the team but
   * neither serving nor invited (Bruno on a conversation Carla serves). 'OK' means allowed.
   */
  otherTeam?: Code;
  notParticipant?: Code;
  /** Inputs for those two checks (default: `input`). */
  teamInput?: (ids: Ids, conversationId: string) => unknown;
};
type Code = 'OK' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'PRECONDITION_FAILED' | 'BAD_REQUEST';

/** One part's rows, and optional set-up that creates demo-organization data its inputs aim at. */
export interface MatrixPart {
  rows: Record<string, Case>;
  /** Returns ids (added to `ids.extra`, and to the secrets another organization must never see). */
  setup?: (app: TestApp, ids: Ids) => Promise<Record<string, string>>;
}
