/** Template objects as Meta's GET /<waba-id>/message_templates returns them (for the fake Graph API). */
let nextId = 900_000_000_000_000;

export function metaTemplate(
  name: string,
  language: string,
  status: string,
  components: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, language, status, category: 'UTILITY', components, id: String(++nextId), ...extra };
}

export const body = (text: string, example?: unknown): Record<string, unknown> => ({ type: 'BODY', text, ...(example ? { example } : {}) });

/** A small account: positional, NAMED with a text header, a document header, authentication, paused, rejected. */
export function sampleTemplates(): Record<string, unknown>[] {
  return [
    metaTemplate('order_ready', 'pt_BR', 'APPROVED', [body('Olá {{1}}, o pedido {{2}} está pronto.', { body_text: [['Maria', '42']] })]),
    metaTemplate(
      'summer_sale',
      'en_US',
      'APPROVED',
      [
        {
          type: 'HEADER',
          format: 'TEXT',
          text: 'Our {{sale_name}} is on!',
          example: { header_text_named_params: [{ param_name: 'sale_name', example: 'Summer Sale' }] },
        },
        body('Hi {{first_name}}, take {{discount}} off until Sunday.', {
          body_text_named_params: [
            { param_name: 'first_name', example: 'Ana' },
            { param_name: 'discount', example: '15%' },
          ],
        }),
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Show me' }] },
      ],
      { category: 'MARKETING', parameter_format: 'NAMED' },
    ),
    metaTemplate('invoice_ready', 'pt_BR', 'APPROVED', [
      { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::aW...'] } },
      body('Sua fatura {{1}} está anexa.'),
    ]),
    metaTemplate(
      'login_code',
      'en_US',
      'APPROVED',
      [
        body('*{{1}}* is your verification code.'),
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
      ],
      { category: 'AUTHENTICATION' },
    ),
    metaTemplate('winter_promo', 'pt_BR', 'PAUSED', [body('Promoção de inverno, {{1}}!')], { category: 'MARKETING' }),
    metaTemplate('bad_format', 'es', 'REJECTED', [body('Hola {{1}}')], { category: 'MARKETING', rejected_reason: 'INVALID_FORMAT' }),
  ];
}
