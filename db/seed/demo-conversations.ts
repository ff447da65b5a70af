import { cannedResponses, dispositions, insertChannel, pauseTypes, tags, templates } from '../queries/config.ts';
import { markEnvChannel } from '../queries/channels.ts';
import type { Tx } from '../sql.ts';
import type { DemoSeedContext } from './demo.ts';

/**
 * The demo organization's channels and configuration (SPEC §9): a web chat and a WhatsApp
 * channel with the "1 Support, 2 Sales" bot menu, templates, canned responses, tags,
 * dispositions and pause types, in the demo's language (demo-text.ts).
 */
export async function seedDemoConfiguration(tx: Tx, ctx: DemoSeedContext): Promise<void> {
  const text = ctx.text;
  const bot = {
    botGreeting: text.bot.greeting,
    botOptions: [
      { key: '1', label: text.teams.Support, teamId: ctx.teams.Support },
      { key: '2', label: text.teams.Sales, teamId: ctx.teams.Sales },
    ],
    botInvalidMessage: text.bot.invalid,
    noOneAvailableMessage: text.bot.noOneAvailable,
  };
  await insertChannel(tx, ctx.orgId, { kind: 'webchat', name: text.webChannel, ...bot });
  const whatsapp = await insertChannel(tx, ctx.orgId, {
    kind: 'whatsapp',
    name: text.whatsappChannel,
    phoneNumberId: ctx.options.whatsappPhoneNumberId,
    ...bot,
  });
  // The channel the environment's WhatsApp credentials serve (WHATSAPP_PHONE_NUMBER_ID).
  await markEnvChannel(tx, ctx.orgId, whatsapp.id);

  const template = (name: string, body: string, paramCount: number, status: 'approved' | 'pending' = 'approved') =>
    templates.insert(tx, ctx.orgId, {
      channelId: whatsapp.id,
      name,
      language: text.templateLanguage,
      category: 'utility',
      status,
      body,
      paramCount,
    });
  await template('hello_followup', text.templates.helloFollowup, 1);
  await template('order_update', text.templates.orderUpdate, 2);
  await template('service_reopen', text.templates.serviceReopen, 0);
  await template('promo_launch', text.templates.promoLaunch, 1, 'pending');

  for (const canned of text.canned) {
    await cannedResponses.insert(tx, ctx.orgId, {
      shortcut: canned.shortcut,
      title: canned.title,
      body: canned.body,
      ...(canned.supportOnly ? { teamId: ctx.teams.Support } : {}),
    });
  }

  await tags.insert(tx, ctx.orgId, { name: text.tags.vip, color: '#ca8a04' });
  await tags.insert(tx, ctx.orgId, { name: text.tags.complaint, color: '#dc2626' });
  for (const name of text.dispositions) await dispositions.insert(tx, ctx.orgId, { name });
  await pauseTypes.insert(tx, ctx.orgId, { name: text.pauses.lunch, maxMinutes: 60, earliestTime: '11:00' });
  await pauseTypes.insert(tx, ctx.orgId, { name: text.pauses.break, maxMinutes: 15 });
}
