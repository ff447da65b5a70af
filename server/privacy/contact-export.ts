import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { ZipArchive } from 'archiver';
import * as Y from 'yjs';
import {
  contactForExport,
  conversationsForExport,
  messagesForExport,
  userNames,
  type ExportedFile,
} from '../../db/queries/privacy-export.ts';
import { loadDocUpdates } from '../../db/queries/sync.ts';
import type { Sql } from '../../db/sql.ts';
import { docName } from '../../sync/shared/doc-name.ts';
import { readChatMessages, readNotes } from '../../sync/shared/schemas.ts';
import { exportFileName } from '../domain/privacy.ts';
import type { AttachmentStorage } from '../services/storage.ts';
import { NotFoundError } from '../services/storage.ts';

/** A stored collaborative document, merged from its updates and snapshots (null: never written). */
async function storedDoc(sql: Sql, orgId: string, name: string): Promise<Y.Doc | null> {
  const stored = await loadDocUpdates(sql, orgId, name);
  if (stored.rows === 0) return null;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
  return doc;
}

async function notesOf(sql: Sql, orgId: string, contactId: string, names: Map<string, string>) {
  const doc = await storedDoc(sql, orgId, docName.notes(contactId));
  if (!doc) return [];
  try {
    return readNotes(doc).map((e) => ({
      id: e.id,
      author: names.get(e.authorId) ?? e.authorId,
      createdAt: new Date(e.createdAt).toISOString(),
      deleted: e.deleted,
      text: e.body,
    }));
  } finally {
    doc.destroy();
  }
}

async function threadOf(sql: Sql, orgId: string, conversationId: string, names: Map<string, string>) {
  const doc = await storedDoc(sql, orgId, docName.conversation(conversationId));
  if (!doc) return [];
  try {
    return readChatMessages(doc).map((m) => ({
      author: names.get(m.authorId) ?? m.authorId,
      at: new Date(m.at).toISOString(),
      text: m.text,
    }));
  } finally {
    doc.destroy();
  }
}

export interface ExportMeta {
  exportedAt: Date;
  /** The admin who exported it. */
  exportedBy: string;
  /** The data subject's request reference. */
  requestedBy: string;
  organization: string;
}

/**
 * Whether the contact exists in the organization (the HTTP route answers 404 before any byte
 * otherwise). The ZIP itself is written by writeContactExport.
 */
export async function contactExists(sql: Sql, orgId: string, contactId: string): Promise<boolean> {
  return (await contactForExport(sql, orgId, contactId)) !== null;
}

/**
 * Everything Atende holds about one contact, as a ZIP streamed to `out` (docs/privacy.md,
 * "Export"): contact.json (profile, identities per channel, custom fields), one JSON file per
 * conversation (its facts, tags, rating, messages, colleague thread), notes.json, the files
 * under files/, and manifest.json (who asked, on whose request, what is inside). Entries are
 * written one at a time, so at most one stored file is open, whatever the contact's history.
 */
export async function writeContactExport(
  sql: Sql,
  storage: AttachmentStorage,
  orgId: string,
  contactId: string,
  meta: ExportMeta,
  out: Writable,
): Promise<void> {
  const contact = await contactForExport(sql, orgId, contactId);
  if (!contact) throw new Error('contact not found');
  const names = await userNames(sql, orgId);
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const failed = new Promise<never>((_, reject) => zip.once('error', reject));
  failed.catch(() => {});
  zip.pipe(out);
  const add = async (source: Buffer | Readable, name: string, date?: Date) => {
    const written = once(zip, 'entry');
    zip.append(source, { name, ...(date ? { date } : {}) });
    await Promise.race([written, failed]);
  };
  const json = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 2)}\n`, 'utf8');

  await add(json(contact), 'contact.json');
  const files: { path: string; conversation: string; filename: string; contentType: string; sizeBytes: number }[] = [];
  const missing: { path: string; reason: string }[] = [];
  const conversations = await conversationsForExport(sql, orgId, contactId);
  for (const c of conversations) {
    const messages = await messagesForExport(sql, orgId, c.id);
    const withFiles = messages.map(({ file, ...m }) => ({ ...m, file: file ? fileEntry(file) : null }));
    const thread = await threadOf(sql, orgId, c.id, names);
    await add(json({ ...c, messages: withFiles, colleagueThread: thread }), `conversations/${c.protocol}.json`);
    for (const m of messages) {
      if (!m.file) continue;
      const path = exportFileName(m.file.id, m.file.filename);
      try {
        await add(await storage.get(m.file.storageKey), path);
        files.push({
          path,
          conversation: c.protocol,
          filename: m.file.filename,
          contentType: m.file.contentType,
          sizeBytes: m.file.sizeBytes,
        });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        missing.push({ path, reason: 'the stored file is missing' });
      }
    }
  }
  await add(json(await notesOf(sql, orgId, contactId, names)), 'notes.json');
  await add(
    json({
      format: 'atende-contact-export/1',
      organization: meta.organization,
      contactId,
      exportedAt: meta.exportedAt.toISOString(),
      exportedBy: meta.exportedBy,
      requestedBy: meta.requestedBy,
      conversations: conversations.map((c) => `conversations/${c.protocol}.json`),
      files,
      missingFiles: missing,
    }),
    'manifest.json',
  );
  await Promise.race([zip.finalize(), failed]);
}

function fileEntry(f: ExportedFile) {
  return { id: f.id, filename: f.filename, contentType: f.contentType, sizeBytes: f.sizeBytes, path: exportFileName(f.id, f.filename) };
}
