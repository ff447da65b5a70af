import { z } from 'zod';
import { getContact } from '../../db/queries/contacts.ts';
import { docActivity } from '../../db/queries/sync.ts';
import { docName } from '../../sync/shared/doc-name.ts';
import { authedProcedure, router } from '../trpc.ts';
import * as v from './schemas.ts';

/** Contact notes live in the `notes:<contactId>` documents; here, what only the server knows about them. */
export const notesRouter = router({
  /** Who changed a contact's notes, and when: the server's update log, not the document's claims. */
  activity: authedProcedure.input(z.object({ contactId: v.uuid })).query(async ({ ctx, input }) => {
    // The notes rule of /sync: users of the contact's organization.
    if (!(await getContact(ctx.services.sql, ctx.org.id, input.contactId))) throw ctx.fail('NOT_FOUND', 'error.notFound');
    return docActivity(ctx.services.sql, ctx.org.id, docName.notes(input.contactId.toLowerCase()));
  }),
});
