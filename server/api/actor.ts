import type { Actor } from '../commands/conversations/common.ts';
import type { ApiContext } from './trpc.ts';

/**
 * The commands' actor for a token. Reading: the whole organization, as its scopes grant (the
 * visibility rules see an administrator's view; the token's organization is the only one).
 * Writing: recorded as the integration — no author on its messages (their payload names the
 * token), no creator on its contacts — never as the admin who made the token. Its id is the
 * token's, which no user has, so no rule that asks "is this the serving agent" says yes.
 */
export function integrationActor(ctx: ApiContext): Actor {
  const c = ctx.caller;
  return {
    id: c.tokenId,
    orgId: c.orgId,
    role: 'admin',
    name: `integration: ${c.tokenName}`,
    codename: null,
    teamIds: [],
    historyAccess: 'all',
    fail: ctx.fail,
    lang: ctx.lang,
    timeZone: null,
    ip: ctx.ip,
    integration: { tokenId: c.tokenId, tokenName: c.tokenName },
  };
}
