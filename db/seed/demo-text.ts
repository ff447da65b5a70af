/**
 * The demo organization's words (teams, bot menu, templates, canned responses, tags,
 * dispositions, pauses) in each language the demo can start in (ATENDE_DEMO_LANGUAGE).
 * `db/` imports nothing of the app, so these live here rather than in i18n/.
 *
 * Teams keep a stable key (`Support`, `Sales`: DEMO_LOGINS and the seed parts use it); what
 * people read is `teams[key]`. Canned-response shortcuts and template names stay the same in
 * every language only where they are identifiers (template names are registered at Meta).
 */

export const DEMO_LANGUAGES = ['pt-BR', 'en', 'es'] as const;
export type DemoLanguage = (typeof DEMO_LANGUAGES)[number];
export type DemoTeamKey = 'Support' | 'Sales';

export interface DemoText {
  teams: Record<DemoTeamKey, string>;
  webChannel: string;
  whatsappChannel: string;
  bot: { greeting: string; invalid: string; noOneAvailable: string };
  /** Meta's code of the templates' language. */
  templateLanguage: string;
  templates: { helloFollowup: string; orderUpdate: string; serviceReopen: string; promoLaunch: string };
  canned: { shortcut: string; title: string; body: string; supportOnly?: boolean }[];
  tags: { vip: string; complaint: string };
  dispositions: [string, string, string];
  pauses: { lunch: string; break: string };
  /** The sample conversations of a demo started by `npm start` (demo-sample-conversations.ts). */
  samples: {
    waiting: { contact: string; first: string };
    inService: { contact: string; first: string; agentReply: string; customerReply: string; agentFollowUp: string; last: string };
    outsideWindow: { contact: string; first: string; agentReply: string };
    closed: { first: string; agentReply: string; customerThanks: string };
  };
}

export const DEMO_TEXT: Record<DemoLanguage, DemoText> = {
  'pt-BR': {
    teams: { Support: 'Suporte', Sales: 'Vendas' },
    webChannel: 'Chat do site',
    whatsappChannel: 'WhatsApp',
    bot: {
      greeting: 'Olá! Para qual equipe você quer falar?',
      invalid: 'Não entendi. Responda com o número de uma das opções.',
      noOneAvailable: 'No momento não há ninguém disponível nesta equipe. Sua mensagem ficou na fila e responderemos assim que possível.',
    },
    templateLanguage: 'pt_BR',
    templates: {
      helloFollowup: 'Olá {{1}}! Estamos retomando o seu atendimento. Podemos continuar por aqui?',
      orderUpdate: 'Olá {{1}}, o seu pedido {{2}} foi atualizado. Responda esta mensagem se tiver dúvidas.',
      serviceReopen: 'Olá! Recebemos a sua mensagem fora do horário de atendimento. Podemos ajudar agora?',
      promoLaunch: 'Olá {{1}}, temos novidades para você!',
    },
    canned: [
      { shortcut: 'saudacao', title: 'Saudação', body: 'Olá {contact.name}, aqui é {agent.name}. Como posso ajudar?' },
      {
        shortcut: 'protocolo',
        title: 'Número do protocolo',
        body: 'O número do seu protocolo é {protocol}. Guarde-o para consultas futuras.',
      },
      {
        shortcut: 'obrigado',
        title: 'Encerramento',
        body: 'Obrigado pelo contato, {contact.name}! Se precisar, é só chamar.',
        supportOnly: true,
      },
    ],
    tags: { vip: 'VIP', complaint: 'Reclamação' },
    dispositions: ['Resolvido', 'Sem resposta', 'Venda'],
    pauses: { lunch: 'Almoço', break: 'Intervalo' },
    samples: {
      waiting: { contact: 'Marina Costa', first: 'Olá! Meu pedido ainda não chegou, podem me ajudar?' },
      inService: {
        contact: 'João Pereira',
        first: 'Bom dia, minha fatura veio com um valor errado.',
        agentReply: 'Olá João, aqui é a Ana. Vou verificar a sua fatura agora.',
        customerReply: 'Obrigado! O número do pedido é 4821.',
        agentFollowUp: 'Encontrei: houve uma cobrança em dobro. Já pedi o estorno.',
        last: 'Ótimo! Em quantos dias cai o estorno?',
      },
      outsideWindow: {
        contact: 'Patrícia Gomes',
        first: 'Vocês entregam aos sábados?',
        agentReply: 'Olá Patrícia! Entregamos sim, das 8h às 12h. Posso ajudar em algo mais?',
      },
      closed: {
        first: 'Quero trocar o endereço de entrega.',
        agentReply: 'Pronto, João: o endereço foi atualizado.',
        customerThanks: 'Perfeito, obrigado!',
      },
    },
  },
  en: {
    teams: { Support: 'Support', Sales: 'Sales' },
    webChannel: 'Web chat',
    whatsappChannel: 'WhatsApp',
    bot: {
      greeting: 'Hello! Which team would you like to talk to?',
      invalid: 'Sorry, I did not understand. Answer with the number of one of the options.',
      noOneAvailable: 'Nobody in this team is available right now. Your message is in the queue and we will answer as soon as we can.',
    },
    templateLanguage: 'en_US',
    templates: {
      helloFollowup: 'Hello {{1}}! We are picking up your request again. Can we continue here?',
      orderUpdate: 'Hello {{1}}, your order {{2}} was updated. Reply to this message if you have questions.',
      serviceReopen: 'Hello! We received your message outside our opening hours. Can we help now?',
      promoLaunch: 'Hello {{1}}, we have news for you!',
    },
    canned: [
      { shortcut: 'greeting', title: 'Greeting', body: 'Hello {contact.name}, this is {agent.name}. How can I help?' },
      { shortcut: 'protocol', title: 'Protocol number', body: 'Your protocol number is {protocol}. Keep it for future reference.' },
      {
        shortcut: 'thanks',
        title: 'Closing',
        body: 'Thank you for getting in touch, {contact.name}! Write any time you need us.',
        supportOnly: true,
      },
    ],
    tags: { vip: 'VIP', complaint: 'Complaint' },
    dispositions: ['Resolved', 'No answer', 'Sale'],
    pauses: { lunch: 'Lunch', break: 'Break' },
    samples: {
      waiting: { contact: 'Marina Costa', first: 'Hi! My order has not arrived yet, can you help me?' },
      inService: {
        contact: 'João Pereira',
        first: 'Good morning, my invoice shows the wrong amount.',
        agentReply: 'Hello João, this is Ana. I am checking your invoice now.',
        customerReply: 'Thank you! The order number is 4821.',
        agentFollowUp: 'Found it: you were charged twice. I have asked for a refund.',
        last: 'Great! How many days until the refund arrives?',
      },
      outsideWindow: {
        contact: 'Patrícia Gomes',
        first: 'Do you deliver on Saturdays?',
        agentReply: 'Hello Patrícia! Yes, from 8am to noon. Anything else I can help with?',
      },
      closed: {
        first: 'I would like to change my delivery address.',
        agentReply: 'Done, João: the address is updated.',
        customerThanks: 'Perfect, thank you!',
      },
    },
  },
  es: {
    teams: { Support: 'Soporte', Sales: 'Ventas' },
    webChannel: 'Chat del sitio',
    whatsappChannel: 'WhatsApp',
    bot: {
      greeting: '¡Hola! ¿Con qué equipo quieres hablar?',
      invalid: 'No entendí. Responde con el número de una de las opciones.',
      noOneAvailable:
        'En este momento no hay nadie disponible en este equipo. Tu mensaje quedó en la cola y responderemos lo antes posible.',
    },
    templateLanguage: 'es',
    templates: {
      helloFollowup: '¡Hola {{1}}! Retomamos tu atención. ¿Podemos seguir por aquí?',
      orderUpdate: 'Hola {{1}}, tu pedido {{2}} se actualizó. Responde este mensaje si tienes dudas.',
      serviceReopen: '¡Hola! Recibimos tu mensaje fuera del horario de atención. ¿Podemos ayudarte ahora?',
      promoLaunch: 'Hola {{1}}, ¡tenemos novedades para ti!',
    },
    canned: [
      { shortcut: 'saludo', title: 'Saludo', body: 'Hola {contact.name}, soy {agent.name}. ¿En qué puedo ayudarte?' },
      {
        shortcut: 'protocolo',
        title: 'Número de protocolo',
        body: 'Tu número de protocolo es {protocol}. Guárdalo para futuras consultas.',
      },
      {
        shortcut: 'gracias',
        title: 'Cierre',
        body: '¡Gracias por escribirnos, {contact.name}! Si lo necesitas, aquí estamos.',
        supportOnly: true,
      },
    ],
    tags: { vip: 'VIP', complaint: 'Reclamo' },
    dispositions: ['Resuelto', 'Sin respuesta', 'Venta'],
    pauses: { lunch: 'Almuerzo', break: 'Descanso' },
    samples: {
      waiting: { contact: 'Marina Costa', first: '¡Hola! Mi pedido todavía no llegó, ¿me pueden ayudar?' },
      inService: {
        contact: 'João Pereira',
        first: 'Buenos días, mi factura vino con un monto equivocado.',
        agentReply: 'Hola João, soy Ana. Estoy revisando tu factura ahora.',
        customerReply: '¡Gracias! El número del pedido es 4821.',
        agentFollowUp: 'Lo encontré: hubo un cobro doble. Ya pedí el reembolso.',
        last: '¡Genial! ¿En cuántos días llega el reembolso?',
      },
      outsideWindow: {
        contact: 'Patrícia Gomes',
        first: '¿Hacen entregas los sábados?',
        agentReply: '¡Hola Patrícia! Sí, de 8 a 12 h. ¿Te ayudo con algo más?',
      },
      closed: {
        first: 'Quiero cambiar la dirección de entrega.',
        agentReply: 'Listo, João: la dirección está actualizada.',
        customerThanks: '¡Perfecto, gracias!',
      },
    },
  },
};
