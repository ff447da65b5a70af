import { cannedResponses, dispositions, insertChannel, pauseTypes, tags, templates } from '../queries/config.ts';
import { registerDemoSeed } from './demo.ts';

/**
 * The demo organization's channels and configuration (SPEC §9): a web chat and a WhatsApp
 * channel with the "1 Support, 2 Sales" bot menu, templates, canned responses, tags,
 * dispositions and pause types. Imported for its side effect where the demo is seeded.
 */
registerDemoSeed(async (tx, ctx) => {
  const bot = {
    botGreeting: 'Olá! Para qual equipe você quer falar?',
    botOptions: [
      { key: '1', label: 'Support', teamId: ctx.teams.Support! },
      { key: '2', label: 'Sales', teamId: ctx.teams.Sales! },
    ],
    botInvalidMessage: 'Não entendi. Responda com o número de uma das opções.',
    noOneAvailableMessage: 'No momento não há ninguém disponível nesta equipe. Sua mensagem ficou na fila e responderemos assim que possível.',
  };
  await insertChannel(tx, ctx.orgId, { kind: 'webchat', name: 'Web chat', ...bot });
  const whatsapp = await insertChannel(tx, ctx.orgId, {
    kind: 'whatsapp',
    name: 'WhatsApp',
    phoneNumberId: ctx.options.whatsappPhoneNumberId,
    ...bot,
  });

  const template = (name: string, body: string, paramCount: number, status: 'approved' | 'pending' = 'approved') =>
    templates.insert(tx, ctx.orgId, { channelId: whatsapp.id, name, language: 'pt_BR', category: 'utility', status, body, paramCount });
  await template('hello_followup', 'Olá {{1}}! Estamos retomando o seu atendimento. Podemos continuar por aqui?', 1);
  await template('order_update', 'Olá {{1}}, o seu pedido {{2}} foi atualizado. Responda esta mensagem se tiver dúvidas.', 2);
  await template('service_reopen', 'Olá! Recebemos a sua mensagem fora do horário de atendimento. Podemos ajudar agora?', 0);
  await template('promo_launch', 'Olá {{1}}, temos novidades para você!', 1, 'pending');

  await cannedResponses.insert(tx, ctx.orgId, {
    shortcut: 'greeting',
    title: 'Greeting',
    body: 'Olá {contact.name}, aqui é {agent.name}. Como posso ajudar?',
  });
  await cannedResponses.insert(tx, ctx.orgId, {
    shortcut: 'protocol',
    title: 'Protocol number',
    body: 'O número do seu protocolo é {protocol}. Guarde-o para consultas futuras.',
  });
  await cannedResponses.insert(tx, ctx.orgId, {
    shortcut: 'thanks',
    title: 'Closing',
    body: 'Obrigado pelo contato, {contact.name}! Se precisar, é só chamar.',
    teamId: ctx.teams.Support!,
  });

  await tags.insert(tx, ctx.orgId, { name: 'VIP', color: '#ca8a04' });
  await tags.insert(tx, ctx.orgId, { name: 'Complaint', color: '#dc2626' });
  for (const name of ['Resolved', 'No answer', 'Sale']) await dispositions.insert(tx, ctx.orgId, { name });
  await pauseTypes.insert(tx, ctx.orgId, { name: 'Lunch', maxMinutes: 60, earliestTime: '11:00' });
  await pauseTypes.insert(tx, ctx.orgId, { name: 'Break', maxMinutes: 15 });
});
