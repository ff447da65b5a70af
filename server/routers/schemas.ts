import { z } from 'zod';
import { LANGUAGES } from '../../i18n/index.ts';
import { PASSWORD_MAX } from '../domain/password-policy.ts';
import { workHoursSchema } from '../domain/work-hours.ts';
import { CAPACITY_MAX, CAPACITY_MIN } from '../../shared/capacity.ts';

export const email = z.string().trim().max(254).email('validation.email');
// Length rules with their sentences live in the password policy; here only a hard cap.
export const password = z.string().max(PASSWORD_MAX * 4);
export const uuid = z.string().uuid('validation.id');
export const name = z.string().trim().min(1, 'validation.required').max(120);
export const language = z.enum(LANGUAGES);
export const timeZone = z.string().trim().min(1).max(64);
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));
export const workHours = workHoursSchema;
export const token = z.string().min(10).max(200);
/** A limit of active conversations per agent; null: none. */
export const capacity = z.number().int().min(CAPACITY_MIN).max(CAPACITY_MAX).nullable();
