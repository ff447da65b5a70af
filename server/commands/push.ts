import { saveSubscription, type PushDevice } from '../../db/queries/push.ts';
import type { Authenticated } from '../auth/session.ts';
import { endpointProblem, keysValid } from '../domain/push.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

export interface SubscribeInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  label: string;
  userAgent: string;
}

/**
 * Registers this browser's push subscription for the signed-in user and this session (its
 * sign-out removes it). The endpoint must be a push service the operator accepts: the server
 * will POST to it, so an arbitrary address would let a user aim the server at internal hosts.
 */
export async function subscribePush(s: Services, fail: Fail, auth: Authenticated, input: SubscribeInput): Promise<PushDevice> {
  const problem = endpointProblem(input.endpoint, { serviceHosts: s.env.PUSH_SERVICE_HOSTS, allowAny: s.env.PUSH_ALLOW_ANY_ENDPOINT });
  if (problem) throw fail('BAD_REQUEST', problem);
  if (!keysValid(input.keys.p256dh, input.keys.auth)) throw fail('BAD_REQUEST', 'push.error.keys');
  return saveSubscription(s.sql, {
    orgId: auth.organization.id,
    userId: auth.user.id,
    sessionId: auth.sessionId,
    endpoint: input.endpoint,
    p256dh: input.keys.p256dh,
    auth: input.keys.auth,
    label: input.label,
    userAgent: input.userAgent,
  });
}
