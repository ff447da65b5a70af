import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { insertAttachment } from '../../db/queries/attachments.ts';
import type { Sql } from '../../db/sql.ts';
import { addChatMessage, addNoteEntry, noteBody } from '../../sync/shared/schemas.ts';
import type { TestApp, TestClient } from './app.ts';
import { inbound, makeChannel, setOnline } from './conversations.ts';
import type { demoIds } from './orgs.ts';
import { waitFor } from './orgs.ts';
import { connectDoc } from './sync.ts';

type Ids = Awaited<ReturnType<typeof demoIds>>;

/**
 * A data subject whose every trace is a word found nowhere else: after an erasure, a search of
 * the whole database for these finds nothing (server/privacy/erasure.pg.test.ts).
 */
export const SUBJECT = {
  name: 'Zuleica Pereirinha Vasconcelos',
  whatsapp: '5511987650001',
  email: 'zuleica.vasconcelos@example.test',
  fieldValue: 'cpf-98765432100-zulv',
  visitorName: 'Visitante Quindimdourado',
  inbound: 'quero cancelar meu plano xylofonebanana',
  address: 'meu endereço é rua quixadaflorzinha 42',
  caption: 'segue comprovante jabuticabeirapurpura',
  webchat: 'obrigada pelo retorno zimbabuerango',
  reply: 'Olá Zuleica, confirmei o cancelamento marmeladaquadrada',
  agentCaption: 'segue o protocolo goiabadacascao',
  note: 'cliente pediu sigilo sobre tamarindoazul',
  noteEdit: ' e mudou de ideia pitangueiravermelha',
  thread: 'a zuleica ligou de novo cambucazinho',
  inboundFile: { name: 'comprovante-renda-zuleica.pdf', bytes: Buffer.from('%PDF-1.4 RENDA-ZULEICA-ESPECIAL-BYTES-0001') },
  agentFile: { name: 'protocolo-zuleica-assinado.txt', bytes: Buffer.from('PROTOCOLO-ZULEICA-ESPECIAL-BYTES-0002') },
};

/** Every string that must be gone after the subject's erasure. */
export const SUBJECT_NEEDLES = [
  'Zuleica',
  'Pereirinha',
  'Vasconcelos',
  SUBJECT.whatsapp,
  SUBJECT.email,
  SUBJECT.fieldValue,
  'Quindimdourado',
  'xylofonebanana',
  'quixadaflorzinha',
  'jabuticabeirapurpura',
  'zimbabuerango',
  'marmeladaquadrada',
  'goiabadacascao',
  'tamarindoazul',
  'pitangueiravermelha',
  'cambucazinho',
  'RENDA-ZULEICA-ESPECIAL',
  'PROTOCOLO-ZULEICA-ESPECIAL',
  'comprovante-renda',
  'protocolo-zuleica',
];

export interface SeededSubject {
  contactId: string;
  whatsappConversationId: string;
  webchatConversationId: string;
  storageKeys: string[];
  /** The notes document, still open in Ana's client (an agent looking at the contact). */
  notes: ReturnType<typeof connectDoc>;
}

async function uploadAs(app: TestApp, client: TestClient, name: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/plain' }), name);
  const res = await fetch(`${app.url}/uploads?purpose=message`, { method: 'POST', headers: { cookie: client.cookie! }, body: form });
  if (res.status !== 201) throw new Error(`upload refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** A customer file as the WhatsApp media download stores it: bytes in the store, a row, a message. */
async function inboundFile(app: TestApp, orgId: string, conversationId: string, channelId: string) {
  const id = randomUUID();
  const key = `${orgId}/${id}`;
  const stored = await app.services.storage.put(key, Readable.from([SUBJECT.inboundFile.bytes]), 1_000_000);
  await insertAttachment(app.services.sql, {
    id,
    orgId,
    uploadedBy: null,
    purpose: 'message',
    filename: SUBJECT.inboundFile.name,
    contentType: 'application/pdf',
    sizeBytes: stored.sizeBytes,
    storageKey: key,
    sha256: stored.sha256,
  });
  const media = { id: '4400777', caption: SUBJECT.caption, filename: SUBJECT.inboundFile.name, mime_type: 'application/pdf' };
  await app.services
    .sql`INSERT INTO messages (org_id, conversation_id, channel_id, direction, kind, text, payload, attachment_id, status, media_status)
    VALUES (${orgId}, ${conversationId}, ${channelId}, 'in', 'document', ${SUBJECT.caption}, ${app.services.sql.json({ media })}, ${id},
      'received', 'stored')`;
  return key;
}

/**
 * The subject, seeded through the real paths where they exist: WhatsApp and web chat messages
 * ingested, a claim, an agent's reply with an uploaded file, tags, a disposition, a rating, the
 * contact edited by an admin, notes and a colleague thread written with the y-websocket client.
 */
export async function seedSubject(app: TestApp, ids: Ids, admin: TestClient): Promise<SeededSubject> {
  const sql: Sql = app.services.sql;
  const orgId = ids.orgId;
  const wa = await makeChannel(sql, ids, 'whatsapp');
  const wc = await makeChannel(sql, ids, 'webchat');
  const anaId = ids.users['ana@demo.test'];
  await setOnline(sql, ['ana@demo.test']);
  const ana = await app.login('ana@demo.test');

  // WhatsApp: greeting, menu choice, messages; Ana claims and answers with a file.
  await inbound(app, wa, { from: SUBJECT.whatsapp, text: 'Oi', name: SUBJECT.name });
  const queued = await inbound(app, wa, { from: SUBJECT.whatsapp, text: '1', name: SUBJECT.name });
  const waConv = queued.conversation.id;
  const contactId = queued.conversation.contactId;
  await inbound(app, wa, { from: SUBJECT.whatsapp, text: SUBJECT.inbound });
  await inbound(app, wa, { from: SUBJECT.whatsapp, text: SUBJECT.address });
  await ana.conversations.claim.mutate({ conversationId: waConv });
  const keys = [await inboundFile(app, orgId, waConv, wa.id)];
  await ana.conversations.send.mutate({ conversationId: waConv, text: SUBJECT.reply, clientMessageId: randomUUID() });
  const fileId = await uploadAs(app, ana, SUBJECT.agentFile.name, SUBJECT.agentFile.bytes);
  const [agentFile] = await sql`SELECT storage_key FROM attachments WHERE id = ${fileId}`;
  keys.push(agentFile!.storage_key as string);
  await ana.conversations.send.mutate({
    conversationId: waConv,
    text: SUBJECT.agentCaption,
    clientMessageId: randomUUID(),
    attachmentId: fileId,
  });

  // A colleague thread about the conversation, written live.
  const thread = connectDoc(app.url, `conversation:${waConv}`, ana.cookie);
  await thread.synced();
  addChatMessage(thread.doc, anaId, SUBJECT.thread);
  await waitFor(
    async () => (await sql`SELECT 1 FROM doc_updates WHERE doc_name = ${`conversation:${waConv}`}`).length > 0,
    'the colleague thread stored',
  );
  thread.destroy();

  // Tags, a disposition, the close, the customer's rating.
  const [tag] = await sql`INSERT INTO tags (org_id, name) VALUES (${orgId}, 'Cancelamento') RETURNING id`;
  const [disposition] = await sql`INSERT INTO dispositions (org_id, name) VALUES (${orgId}, 'Resolvido') RETURNING id`;
  await ana.conversations.setTags.mutate({ conversationId: waConv, tagIds: [tag!.id as string] });
  await ana.conversations.finish.mutate({ conversationId: waConv, dispositionId: disposition!.id as string });
  await sql`UPDATE conversations SET rating = 4, rated_at = now() WHERE id = ${waConv}`;

  // Web chat: the same person, recognised as the same contact by their visitor id.
  const [visitor] = await sql`INSERT INTO webchat_visitors (org_id, channel_id, token_hash, name)
    VALUES (${orgId}, ${wc.id}, ${randomBytes(32)}, ${SUBJECT.visitorName}) RETURNING id`;
  await sql`UPDATE contacts SET webchat_visitor_id = ${visitor!.id as string} WHERE id = ${contactId}`;
  await inbound(app, wc, { from: visitor!.id as string, text: 'Oi', name: SUBJECT.visitorName });
  const wcQueued = await inbound(app, wc, { from: visitor!.id as string, text: '1' });
  await inbound(app, wc, { from: visitor!.id as string, text: SUBJECT.webchat });
  if (wcQueued.conversation.contactId !== contactId) throw new Error('the web chat visitor became another contact');

  // The admin completes the profile.
  await admin.contacts.update.mutate({ id: contactId, email: SUBJECT.email, fields: { cpf: SUBJECT.fieldValue } });

  // Notes through the sync server: written, then edited (two states in the history).
  const notes = connectDoc(app.url, `notes:${contactId}`, ana.cookie);
  await notes.synced();
  const entry = addNoteEntry(notes.doc, anaId, SUBJECT.note);
  await waitFor(async () => (await sql`SELECT 1 FROM doc_updates WHERE doc_name = ${`notes:${contactId}`}`).length > 0, 'notes stored');
  noteBody(entry).insert(SUBJECT.note.length, SUBJECT.noteEdit);
  await waitFor(
    async () =>
      (await sql`SELECT 1 FROM contact_notes_text WHERE contact_id = ${contactId} AND body LIKE ${'%pitangueiravermelha%'}`).length > 0,
    'the edited notes indexed for search',
  );
  // Copies that left through an outgoing webhook (its delivery log), and one about someone else.
  const [endpoint] =
    await sql`INSERT INTO webhook_endpoints (org_id, url, events, secret, after_event_id, active, disabled_at, disabled_reason)
    VALUES (${orgId}, 'https://crm.example.test/hook', '{message.received,contact.updated}', 'whsec-test', 0, false, now(), 'admin')
    RETURNING id`;
  const delivery = (type: string, conversationId: string | null, payload: Record<string, unknown>) =>
    sql`INSERT INTO webhook_deliveries (org_id, endpoint_id, event_key, event_type, conversation_id, payload, status, delivered_at)
      VALUES (${orgId}, ${endpoint!.id as string}, ${randomUUID()}, ${type}, ${conversationId}, ${sql.json(payload as never)}, 'delivered', now())`;
  await delivery('message.received', waConv, { message: { text: SUBJECT.inbound }, contact: { id: contactId, name: SUBJECT.name } });
  await delivery('contact.updated', null, { contact: { id: contactId, name: SUBJECT.name, whatsapp: SUBJECT.whatsapp } });
  await delivery('contact.updated', null, { contact: { id: randomUUID(), name: 'Someone Else' } });
  return { contactId, whatsappConversationId: waConv, webchatConversationId: wcQueued.conversation.id, storageKeys: keys, notes };
}

/** Every entry of a ZIP, by name. */
export function readZip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('unreadable entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/**
 * Where each needle still is: every text, varchar, json, jsonb, tsvector, array and bytea column
 * of every table in every schema but the system ones (graphile-worker's included).
 */
export async function findEverywhere(sql: Sql, needles: string[]): Promise<string[]> {
  const columns = await sql`SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg_toast%'
      AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'tsvector', 'ARRAY', 'USER-DEFINED'))
    ORDER BY 1, 2, 3`;
  const found: string[] = [];
  for (const col of columns) {
    const ident = `"${(col.table_schema as string).replaceAll('"', '""')}"."${(col.table_name as string).replaceAll('"', '""')}"`;
    const column = `"${(col.column_name as string).replaceAll('"', '""')}"`;
    const bytea = col.data_type === 'bytea';
    // A search vector keeps stems ("xylofonebanana" → "xylofonebanan"): look for the word's start.
    const stemmed = col.data_type === 'tsvector';
    for (const word of needles) {
      const needle = stemmed ? word.slice(0, 8).toLowerCase() : word;
      const where = bytea ? `position(convert_to($1, 'UTF8') in ${column}) > 0` : `${column}::text ILIKE '%' || $1 || '%'`;
      const [r] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${ident} WHERE ${where}`, [needle]);
      if ((r!.n as number) > 0) found.push(`${col.table_schema}.${col.table_name}.${col.column_name}: ${word} (${r!.n})`);
    }
  }
  return found;
}
