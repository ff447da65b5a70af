/** Strings of long conversations (paging back through their messages). English is the reference. */
export const en = {
  'paging.tooFar': 'That message is too far back to open at once ({max} messages at most). Scroll up to reach it.',
  'paging.notInConversation': 'That message is not part of this conversation.',
  'paging.loadingOlder': 'Loading older messages…',
  'paging.olderFailed': 'Could not load older messages. Scroll up to try again.',
  'paging.start': 'Start of the conversation',
} as const;

export const ptBR: Record<keyof typeof en, string> = {
  'paging.tooFar': 'Essa mensagem está longe demais para abrir de uma vez (no máximo {max} mensagens). Role para cima para chegar a ela.',
  'paging.notInConversation': 'Essa mensagem não faz parte desta conversa.',
  'paging.loadingOlder': 'Carregando mensagens anteriores…',
  'paging.olderFailed': 'Não foi possível carregar as mensagens anteriores. Role para cima para tentar de novo.',
  'paging.start': 'Início da conversa',
};

export const es: Record<keyof typeof en, string> = {
  'paging.tooFar':
    'Ese mensaje está demasiado atrás para abrirlo de una vez ({max} mensajes como máximo). Desplázate hacia arriba para llegar a él.',
  'paging.notInConversation': 'Ese mensaje no forma parte de esta conversación.',
  'paging.loadingOlder': 'Cargando mensajes anteriores…',
  'paging.olderFailed': 'No se pudieron cargar los mensajes anteriores. Desplázate hacia arriba para intentarlo de nuevo.',
  'paging.start': 'Inicio de la conversación',
};
