import type { Case, MatrixPart } from './types.ts';

export const foundationMatrix: Record<string, Case> = {
  'auth.login': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
  'auth.logout': { access: 'authed', type: 'mutation', crossOrg: 'no-target' },
  'auth.me': { access: 'authed', type: 'query', crossOrg: 'own-data' },
  'auth.requestReset': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
  'auth.checkLink': { access: 'public', type: 'query', crossOrg: 'no-target' },
  'auth.acceptInvite': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
  'auth.resetPassword': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
  'auth.requestNewLink': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
  'auth.changePassword': {
    access: 'authed',
    type: 'mutation',
    input: () => ({ currentPassword: 'x', newPassword: 'y' }),
    crossOrg: 'no-target',
  },
  'auth.updateProfile': { access: 'authed', type: 'mutation', input: () => ({}), crossOrg: 'no-target' },
  'auth.setupStatus': { access: 'public', type: 'query', crossOrg: 'no-target' },
  'auth.setup': { access: 'public', type: 'mutation', crossOrg: 'no-target' },
  'events.stream': { access: 'authed', type: 'subscription', crossOrg: 'own-data' },
  'admin.users.list': { access: 'admin', type: 'query', crossOrg: 'own-data' },
  'admin.users.invite': {
    access: 'admin',
    type: 'mutation',
    input: (i) => ({ email: 'x@y.test', name: 'X', teamIds: [i.teams.Support] }),
    crossOrg: 'BAD_REQUEST',
  },
  'admin.users.update': {
    access: 'admin',
    type: 'mutation',
    input: (i) => ({ userId: i.users['ana@demo.test'], name: 'Hacked' }),
    crossOrg: 'NOT_FOUND',
  },
  'admin.users.unlock': { access: 'admin', type: 'mutation', input: (i) => ({ userId: i.users['ana@demo.test'] }), crossOrg: 'NOT_FOUND' },
  'admin.users.deactivate': {
    access: 'admin',
    type: 'mutation',
    input: (i) => ({ userId: i.users['ana@demo.test'] }),
    crossOrg: 'NOT_FOUND',
  },
  'admin.users.resendInvite': {
    access: 'admin',
    type: 'mutation',
    input: (i) => ({ userId: i.users['ana@demo.test'] }),
    crossOrg: 'NOT_FOUND',
  },
  'admin.teams.list': { access: 'admin', type: 'query', crossOrg: 'own-data' },
  'admin.teams.create': { access: 'admin', type: 'mutation', input: () => ({ name: 'Sneaky' }), crossOrg: 'no-target' },
  'admin.teams.update': {
    access: 'admin',
    type: 'mutation',
    input: (i) => ({ teamId: i.teams.Support, name: 'Hacked' }),
    crossOrg: 'NOT_FOUND',
  },
  'admin.teams.setMembers': {
    access: 'admin',
    type: 'mutation',
    input: (i) => ({ teamId: i.teams.Support, userIds: [] }),
    crossOrg: 'NOT_FOUND',
  },
  'admin.teams.delete': { access: 'admin', type: 'mutation', input: (i) => ({ teamId: i.teams.Support }), crossOrg: 'NOT_FOUND' },
  'admin.org.get': { access: 'admin', type: 'query', crossOrg: 'own-data' },
  'admin.org.update': { access: 'admin', type: 'mutation', input: () => ({ name: 'Renamed' }), crossOrg: 'own-data' },
  'admin.audit.list': { access: 'admin', type: 'query', input: () => ({}), crossOrg: 'own-data' },
};

export const foundation: MatrixPart = { rows: foundationMatrix };
