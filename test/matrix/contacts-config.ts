import type { Case, Ids, MatrixPart } from './types.ts';

const x = (i: Ids, key: string) => i.extra[key];
const byId = (key: string) => (i: Ids) => ({ id: x(i, key) });
const admin = (type: Case['type'], crossOrg: Case['crossOrg'], input?: Case['input']): Case => ({ access: 'admin', type, crossOrg, input });

/** Contacts, the agents' catalogue (channels, templates, canned responses) and the admin configuration. */
export const contactsConfig: MatrixPart = {
  rows: {
    'contacts.create': {
      access: 'authed',
      type: 'mutation',
      crossOrg: 'no-target',
      input: () => ({ name: 'Sneaky', email: 'sneaky@x.test', whatsapp: '5511900000001' }),
    },
    'contacts.update': {
      access: 'authed',
      type: 'mutation',
      input: (i) => ({ id: x(i, 'cfgContactId'), name: 'Hacked' }),
      crossOrg: 'NOT_FOUND',
    },
    'contacts.search': { access: 'authed', type: 'query', input: () => ({ query: '55119888' }), crossOrg: 'own-data' },
    'contacts.get': { access: 'authed', type: 'query', input: byId('cfgContactId'), crossOrg: 'NOT_FOUND' },
    'contacts.media': { access: 'authed', type: 'query', input: (i) => ({ contactId: x(i, 'cfgContactId') }), crossOrg: 'NOT_FOUND' },
    'contacts.recent': { access: 'authed', type: 'query', input: (i) => ({ channelId: x(i, 'cfgWebchatId') }), crossOrg: 'NOT_FOUND' },
    'contacts.byChannel': { access: 'authed', type: 'query', input: (i) => ({ channelId: x(i, 'cfgWhatsappId') }), crossOrg: 'NOT_FOUND' },
    'channels.list': { access: 'authed', type: 'query', crossOrg: 'own-data' },
    'templates.list': { access: 'authed', type: 'query', input: (i) => ({ channelId: x(i, 'cfgWhatsappId') }), crossOrg: 'NOT_FOUND' },
    'canned.list': { access: 'authed', type: 'query', input: () => ({}), crossOrg: 'own-data' },

    'admin.channels.list': admin('query', 'own-data'),
    // A bot option pointing at another organization's team is refused.
    'admin.channels.create': admin('mutation', 'BAD_REQUEST', (i) => ({
      kind: 'webchat',
      name: 'Sneaky',
      botOptions: [{ key: '1', label: 'Support', teamId: i.teams.Support }],
    })),
    'admin.channels.update': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'cfgWhatsappId'), name: 'Hacked', accessToken: 'stolen' })),
    'admin.templates.list': admin('query', 'own-data', () => ({})),
    'admin.templates.create': admin('mutation', 'NOT_FOUND', (i) => ({
      channelId: x(i, 'cfgWhatsappId'),
      name: 'sneaky',
      language: 'pt_BR',
      body: 'Hi {{1}}',
    })),
    'admin.templates.update': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'cfgTemplateId'), status: 'disabled' })),
    'admin.templates.delete': admin('mutation', 'NOT_FOUND', byId('cfgTemplateId')),
    'admin.canned.list': admin('query', 'own-data'),
    'admin.canned.create': admin('mutation', 'BAD_REQUEST', (i) => ({
      shortcut: 'sneaky',
      title: 'Sneaky',
      body: 'Hi',
      teamId: i.teams.Support,
    })),
    'admin.canned.update': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'cfgCannedId'), body: 'Hacked' })),
    'admin.canned.delete': admin('mutation', 'NOT_FOUND', byId('cfgCannedId')),
    'admin.tags.list': admin('query', 'own-data'),
    'admin.tags.create': admin('mutation', 'no-target', () => ({ name: 'Sneaky' })),
    'admin.tags.update': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'cfgTagId'), name: 'Hacked' })),
    'admin.tags.delete': admin('mutation', 'NOT_FOUND', byId('cfgTagId')),
    'admin.dispositions.list': admin('query', 'own-data'),
    'admin.dispositions.create': admin('mutation', 'no-target', () => ({ name: 'Sneaky' })),
    'admin.dispositions.update': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'cfgDispositionId'), active: false })),
    'admin.dispositions.delete': admin('mutation', 'NOT_FOUND', byId('cfgDispositionId')),
    'admin.pauseTypes.list': admin('query', 'own-data'),
    'admin.pauseTypes.create': admin('mutation', 'no-target', () => ({ name: 'Sneaky', maxMinutes: 5 })),
    'admin.pauseTypes.update': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'cfgPauseTypeId'), maxMinutes: 999 })),
    'admin.pauseTypes.delete': admin('mutation', 'NOT_FOUND', byId('cfgPauseTypeId')),
  },
  /** The demo seed's configuration, and one contact whose number the outsider searches for. */
  async setup(app, ids) {
    const sql = app.db.sql;
    const one = async (query: Promise<{ id: string }[]>) => (await query)[0]!.id;
    const [contact] = await sql`INSERT INTO contacts (org_id, name, email, whatsapp)
      VALUES (${ids.orgId}, 'Matrix Contact', 'matrix@demo.test', '5511988887777') RETURNING id`;
    return {
      cfgContactId: contact!.id as string,
      cfgWhatsappId: await one(sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND name = 'WhatsApp'`),
      cfgWebchatId: await one(sql`SELECT id FROM channels WHERE org_id = ${ids.orgId} AND name = 'Web chat'`),
      cfgTemplateId: await one(sql`SELECT id FROM templates WHERE org_id = ${ids.orgId} AND name = 'hello_followup'`),
      cfgCannedId: await one(sql`SELECT id FROM canned_responses WHERE org_id = ${ids.orgId} AND shortcut = 'greeting'`),
      cfgTagId: await one(sql`SELECT id FROM tags WHERE org_id = ${ids.orgId} AND name = 'VIP'`),
      cfgDispositionId: await one(sql`SELECT id FROM dispositions WHERE org_id = ${ids.orgId} AND name = 'Resolved'`),
      cfgPauseTypeId: await one(sql`SELECT id FROM pause_types WHERE org_id = ${ids.orgId} AND name = 'Lunch'`),
    };
  },
};
