import { insertEndpoint, queueDelivery } from '../../db/queries/webhooks.ts';
import type { Case, Ids, MatrixPart } from './types.ts';

const x = (i: Ids, key: string) => i.extra[key];
const admin = (type: Case['type'], crossOrg: Case['crossOrg'], input?: Case['input']): Case => ({ access: 'admin', type, crossOrg, input });

/** Outgoing webhooks (admin.webhooks.*): admins only; another organization's admin finds none of the demo's endpoints. */
export const webhooks: MatrixPart = {
  rows: {
    'admin.webhooks.list': admin('query', 'own-data'),
    'admin.webhooks.events': admin('query', 'own-data'),
    'admin.webhooks.create': admin('mutation', 'no-target', () => ({
      url: 'https://hooks.example.com/in',
      events: ['conversation.closed'],
    })),
    'admin.webhooks.update': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'whEndpointId'), events: ['message.received'] })),
    'admin.webhooks.remove': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'whEndpointId') })),
    'admin.webhooks.rotateSecret': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'whEndpointId') })),
    'admin.webhooks.deliveries': admin('query', 'NOT_FOUND', (i) => ({ endpointId: x(i, 'whEndpointId') })),
    'admin.webhooks.redeliver': admin('mutation', 'NOT_FOUND', (i) => ({ deliveryId: x(i, 'whDeliveryId') })),
    'admin.webhooks.test': admin('mutation', 'NOT_FOUND', (i) => ({ id: x(i, 'whEndpointId') })),
  },
  /** One endpoint of the demo organization, with one delivery in its log. */
  async setup(app, ids) {
    const sql = app.db.sql;
    const endpoint = await insertEndpoint(sql, {
      orgId: ids.orgId,
      url: 'https://hooks.example.com/demo',
      description: 'Matrix',
      events: ['conversation.closed'],
      secret: 'whsec_matrix_demo_secret',
      createdBy: ids.users['admin@demo.test']!,
    });
    await queueDelivery(sql, {
      orgId: ids.orgId,
      endpointId: endpoint.id,
      eventKey: '00000000-0000-4000-8000-00000000beef',
      eventId: null,
      eventType: 'conversation.closed',
      conversationId: null,
      payload: { id: 'matrix' },
    });
    // Never delivered: the endpoint stays off, so no process tries the example host.
    await sql`UPDATE webhook_endpoints SET active = false WHERE id = ${endpoint.id}`;
    const [d] = await sql`SELECT id FROM webhook_deliveries WHERE endpoint_id = ${endpoint.id}`;
    return { whEndpointId: endpoint.id, whDeliveryId: d!.id as string, whSecret: endpoint.secret };
  },
};
