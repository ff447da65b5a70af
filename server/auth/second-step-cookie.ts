import type { IncomingMessage } from 'node:http';
import { parseCookies } from '../http/request.ts';

/**
 * The pending second step's token (server/commands/twofactor/begin.ts). Its own cookie, never
 * the session's: nothing that reads the session cookie (tRPC, the event stream, /sync,
 * uploads) can mistake it for a session. Strict same-site, as only our own pages use it.
 */
export const SECOND_STEP_COOKIE = 'atende_second_step';

export function secondStepTokenOf(req: IncomingMessage | null): string | null {
  return req ? (parseCookies(req.headers.cookie)[SECOND_STEP_COOKIE] ?? null) : null;
}

export function secondStepCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SECOND_STEP_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSecondStepCookie(secure: boolean): string {
  return `${SECOND_STEP_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
