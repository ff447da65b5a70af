import type { MatrixPart } from './types.ts';

/** WhatsApp template sync: "Sync with Meta" is for the channel's organization's admins only. */
export const templatesSync: MatrixPart = {
  rows: {
    'admin.templates.sync': {
      access: 'admin',
      type: 'mutation',
      input: (i) => ({ channelId: i.extra.cfgWhatsappId }),
      crossOrg: 'NOT_FOUND',
    },
  },
};
