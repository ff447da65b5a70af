/** New strings of the customer web chat widget (older ones are in the base catalogue). English is the reference. */
export const en = {
  'widget.noOneAvailable': 'No one is available right now',
  'widget.automatic': 'Automatic message',
  'widget.ended': 'This conversation has ended. Write again whenever you need us.',
  'widget.dropHere': 'Drop the files here to attach them',
  'widget.queued': "You're in the queue for {team}",
  'widget.queuedAny': "You're in the queue",
  'widget.joined': '{name} joined',
  'widget.agentJoined': 'An agent joined',
  'widget.rate': 'How would you rate this conversation?',
  'widget.stars': '{n} of 5 stars',
  'webchat.uploadIpBudget': 'Too many files were sent from this network. Wait a while and try again, or describe it in a message.',
  'webchat.uploadChannelQuota': 'This chat cannot receive more files today. Describe it in a message, or try again tomorrow.',
} as const;

export const ptBR: Record<keyof typeof en, string> = {
  'widget.noOneAvailable': 'Ninguém disponível no momento',
  'widget.automatic': 'Mensagem automática',
  'widget.ended': 'Esta conversa foi encerrada. Escreva de novo quando precisar.',
  'widget.dropHere': 'Solte os arquivos aqui para anexá-los',
  'widget.queued': 'Você está na fila de {team}',
  'widget.queuedAny': 'Você está na fila',
  'widget.joined': '{name} entrou na conversa',
  'widget.agentJoined': 'Um agente entrou na conversa',
  'widget.rate': 'Como você avalia este atendimento?',
  'widget.stars': '{n} de 5 estrelas',
  'webchat.uploadIpBudget': 'Muitos arquivos foram enviados desta rede. Aguarde um pouco e tente de novo, ou descreva em uma mensagem.',
  'webchat.uploadChannelQuota': 'Este chat não pode receber mais arquivos hoje. Descreva em uma mensagem, ou tente de novo amanhã.',
};

export const es: Record<keyof typeof en, string> = {
  'widget.noOneAvailable': 'No hay nadie disponible en este momento',
  'widget.automatic': 'Mensaje automático',
  'widget.ended': 'Esta conversación ha finalizado. Escríbenos de nuevo cuando lo necesites.',
  'widget.dropHere': 'Suelta los archivos aquí para adjuntarlos',
  'widget.queued': 'Estás en la fila de {team}',
  'widget.queuedAny': 'Estás en la fila',
  'widget.joined': '{name} se unió a la conversación',
  'widget.agentJoined': 'Un agente se unió a la conversación',
  'widget.rate': '¿Cómo calificarías esta conversación?',
  'widget.stars': '{n} de 5 estrellas',
  'webchat.uploadIpBudget':
    'Se enviaron demasiados archivos desde esta red. Espera un poco e inténtalo de nuevo, o descríbelo en un mensaje.',
  'webchat.uploadChannelQuota': 'Este chat no puede recibir más archivos hoy. Descríbelo en un mensaje, o inténtalo de nuevo mañana.',
};
