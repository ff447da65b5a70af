import { z } from 'zod';
import * as v from './schemas.ts';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** The audit screen's filters (admin.audit.list and GET /exports/audit.csv): who, what, when. */
export const auditFilters = {
  actorUserId: v.uuid.optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z_]{1,60}$/)
    .optional(),
  from: instant.optional(),
  to: instant.optional(),
};
export const auditFilterSchema = z.object(auditFilters);
