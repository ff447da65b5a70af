import { audit } from '../../db/queries/audit.ts';
import { activeAdmins, disableFailing, type WebhookEndpoint } from '../../db/queries/webhooks.ts';
import type { Tx } from '../../db/sql.ts';
import { isLanguage, translate } from '../../i18n/index.ts';
import { DISABLE_AFTER_HOURS } from '../domain/webhooks.ts';
import type { Services } from '../services/index.ts';

/**
 * An endpoint failing every attempt for a day is disabled (its deliveries wait; events while it
 * is disabled are not queued for it): the audit log says so, each active admin gets an e-mail
 * in their language, and the admin screen shows why it is off.
 */
export async function disableForFailure(s: Services, tx: Tx, endpoint: WebhookEndpoint): Promise<boolean> {
  if (!(await disableFailing(tx, endpoint.orgId, endpoint.id))) return false;
  await audit(tx, {
    orgId: endpoint.orgId,
    action: 'webhook_disabled',
    details: { endpointId: endpoint.id, url: endpoint.url, reason: 'failing', consecutiveFailures: endpoint.consecutiveFailures },
  });
  const origin = s.env.APP_ORIGIN ?? `http://localhost:${s.env.PORT}`;
  for (const admin of await activeAdmins(tx, endpoint.orgId)) {
    const lang = isLanguage(admin.language) ? admin.language : 'en';
    await s.mailer.enqueue(tx, {
      orgId: endpoint.orgId,
      to: admin.email,
      kind: 'webhook_disabled',
      subject: translate(lang, 'webhooks.mail.disabledSubject'),
      text: translate(lang, 'webhooks.mail.disabledBody', {
        name: admin.name,
        url: endpoint.url,
        hours: DISABLE_AFTER_HOURS,
        failures: endpoint.consecutiveFailures,
        link: `${origin}/admin/webhooks`,
      }),
    });
  }
  s.log.warn({ part: 'webhooks', endpointId: endpoint.id, orgId: endpoint.orgId }, 'webhook endpoint disabled after persistent failure');
  return true;
}
