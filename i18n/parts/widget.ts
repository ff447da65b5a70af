/** New strings of the customer web chat widget (older ones are in the base catalogue). English is the reference. */
export const en = {
  'widget.noOneAvailable': 'No one is available right now',
  'widget.automatic': 'Automatic message',
  'widget.ended': 'This conversation has ended. Write again whenever you need us.',
  'widget.dropHere': 'Drop the files here to attach them',
} as const;

export const ptBR: Record<keyof typeof en, string> = {
  'widget.noOneAvailable': 'Ninguém disponível no momento',
  'widget.automatic': 'Mensagem automática',
  'widget.ended': 'Esta conversa foi encerrada. Escreva de novo quando precisar.',
  'widget.dropHere': 'Solte os arquivos aqui para anexá-los',
};

export const es: Record<keyof typeof en, string> = {
  'widget.noOneAvailable': 'No hay nadie disponible en este momento',
  'widget.automatic': 'Mensaje automático',
  'widget.ended': 'Esta conversación ha finalizado. Escríbenos de nuevo cuando lo necesites.',
  'widget.dropHere': 'Suelta los archivos aquí para adjuntarlos',
};
