import { verifyHOTP } from '@oslojs/otp';

/** Who must have a second factor (the organization's setting). */
export type RequiredFor = 'nobody' | 'admins' | 'everyone';

/** RFC 6238 as every authenticator app reads it: 30-second steps, 6 digits, SHA-1. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** ±1 step: a code typed just before its step ended, or with a clock a little off, still passes. */
export const TOTP_DRIFT_STEPS = 1;

export function secondFactorRequired(requiredFor: RequiredFor, role: string): boolean {
  return requiredFor === 'everyone' || (requiredFor === 'admins' && role === 'admin');
}

export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step a code belongs to, within the drift allowed around `nowMs`, or null when it
 * matches none. The step (not a yes/no) is what lets the caller refuse the same code twice.
 */
export function matchTotpStep(key: Uint8Array, code: string, nowMs: number): number | null {
  const digits = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(digits)) return null;
  const now = totpStepAt(nowMs);
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, digits)) return step;
  }
  return null;
}

/** Recovery codes are shown in groups of four characters; typed with or without the dashes, in any case. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function formatRecoveryCode(raw: string): string {
  return raw.match(/.{1,4}/g)?.join('-') ?? raw;
}

/** What a code typed at the second step looks like: six digits for the app, anything else a recovery code. */
export function looksLikeTotp(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''));
}
