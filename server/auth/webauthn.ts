import type { IncomingMessage } from 'node:http';
import { decodeClientDataJSON } from '@simplewebauthn/server/helpers';
import { z } from 'zod';

/**
 * The relying party a WebAuthn ceremony is bound to: the page's origin as the app already
 * accepts it (APP_ORIGIN, or the request's own host — isForeignOrigin refuses any other before
 * a procedure runs), and its host name as the RP ID. A request without an Origin header (a
 * non-browser client) is taken to speak for APP_ORIGIN.
 */
export function relyingParty(req: IncomingMessage | null, appOrigin: string): { origin: string; rpID: string } {
  const header = req?.headers.origin;
  const host = req?.headers.host;
  const origin =
    typeof header === 'string' && (header === appOrigin || (host && (header === `http://${host}` || header === `https://${host}`)))
      ? header
      : appOrigin;
  return { origin, rpID: new URL(origin).hostname };
}

/** The challenge the browser signed (read before verifying, to find and spend the one we handed out). */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const challenge = decodeClientDataJSON(clientDataJSON).challenge;
    return typeof challenge === 'string' && challenge.length <= 200 ? challenge : null;
  } catch {
    return null;
  }
}

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'validation.invalid');
/** The extensions' outputs we may be sent (none is used: attestation "none", no extensions asked). */
const extensionOutputs = z.object({
  appid: z.boolean().optional(),
  credProps: z.object({ rk: z.boolean().optional() }).optional(),
  hmacCreateSecret: z.boolean().optional(),
});
const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8);

/** navigator.credentials.create() as @simplewebauthn/browser sends it. */
export const registrationResponse = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: extensionOutputs,
  response: z.object({
    clientDataJSON: b64url(4000),
    attestationObject: b64url(16000),
    authenticatorData: b64url(16000).optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(4000).optional(),
  }),
});

/** navigator.credentials.get() as @simplewebauthn/browser sends it. */
export const authenticationResponse = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: extensionOutputs,
  response: z.object({
    clientDataJSON: b64url(4000),
    authenticatorData: b64url(4000),
    signature: b64url(2000),
    userHandle: b64url(400).optional(),
  }),
});
