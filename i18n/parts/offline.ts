/** Strings of the workspace's offline part. English is the reference; pt-BR must have every key. */
export const en = {
  'offline.connection.offline': 'No connection',
  'offline.connection.reconnecting': 'Reconnecting…',
  'offline.connection.elsewhere': 'Live in another tab — use here',
  'offline.connection.elsewhereHint': 'A newer tab of yours receives the live updates. Click to receive them here again.',
  'offline.connection.label': 'Connection to the server: {state}',
  'offline.banner': 'Offline — showing saved data. What you write is kept and sent when the connection returns.',
  'offline.outbox': 'Messages waiting to be sent: {count}',
  'offline.drafts': 'Messages not sent (see the conversation): {count}',
} as const;

export const ptBR: Record<keyof typeof en, string> = {
  'offline.connection.offline': 'Sem conexão',
  'offline.connection.reconnecting': 'Reconectando…',
  'offline.connection.elsewhere': 'Ao vivo em outra aba — usar aqui',
  'offline.connection.elsewhereHint': 'Uma aba mais nova sua recebe as atualizações ao vivo. Clique para recebê-las aqui de novo.',
  'offline.connection.label': 'Conexão com o servidor: {state}',
  'offline.banner': 'Offline — mostrando dados salvos. O que você escrever fica guardado e é enviado quando a conexão voltar.',
  'offline.outbox': 'Mensagens aguardando envio: {count}',
  'offline.drafts': 'Mensagens não enviadas (veja a conversa): {count}',
};

export const es: Record<keyof typeof en, string> = {
  'offline.connection.offline': 'Sin conexión',
  'offline.connection.reconnecting': 'Reconectando…',
  'offline.connection.elsewhere': 'En vivo en otra pestaña — usar aquí',
  'offline.connection.elsewhereHint':
    'Una pestaña suya más nueva recibe las actualizaciones en vivo. Haga clic para recibirlas aquí de nuevo.',
  'offline.connection.label': 'Conexión con el servidor: {state}',
  'offline.banner': 'Sin conexión: se muestran los datos guardados. Lo que escribas se conserva y se envía cuando vuelva la conexión.',
  'offline.outbox': 'Mensajes pendientes de envío: {count}',
  'offline.drafts': 'Mensajes no enviados (revisa la conversación): {count}',
};
