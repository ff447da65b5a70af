import { z } from 'zod';
import { getContact } from '../../db/queries/contacts.ts';
import { docActivity } from '../../db/queries/sync.ts';
import { docAccess, notesDoc } from '../domain/doc-access.ts';
import { authedProcedure, router } from '../trpc.ts';
import * as v from './schemas.ts';

/** Contact notes live in the `notes:<contactId>` documents; here, what only the server knows about them. */
export const notesRouter = router({
  /** Who changed a contact's notes, and when: the server's update log, not the document's claims. */
  activity: authedProcedure.input(z.object({ contactId: v.uuid })).query(async ({ ctx, input }) => {
    const doc = notesDoc(input.contactId.toLowerCase());
    const contact = await getContact(ctx.services.sql, ctx.org.id, doc.contactId);
    // Whoever may open the notes document may see who changed it.
    if (!docAccess(doc, { deactivated: ctx.user.deactivatedAt !== null }, { contactInOrg: contact !== null }))
      throw ctx.fail('NOT_FOUND', 'error.notFound');
    return docActivity(ctx.services.sql, ctx.org.id, doc.name);
  }),
});
