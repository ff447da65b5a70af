import { describe, expect, it } from 'vitest';
import { sampleTemplates } from '../../test/helpers/meta-templates.ts';
import { placeholders, sendComponents, syncedTemplateOf, templateRefusal, templateStatusOf } from './whatsapp-templates.ts';

const byName = (name: string) => syncedTemplateOf(sampleTemplates().find((t) => t.name === name))!;

describe("Meta's templates as Atende stores them", () => {
  it('counts positional, NAMED, header text and header media parameters', () => {
    expect(byName('order_ready')).toMatchObject({ paramCount: 2, category: 'utility', status: 'approved', parameterFormat: 'positional' });
    expect(byName('summer_sale')).toMatchObject({ paramCount: 3, category: 'marketing', parameterFormat: 'named' });
    expect(byName('summer_sale').body).toBe(
      'Our {{1}} is on!\n\nHi {{2}}, take {{3}} off until Sunday.\n\nReply STOP to opt out\n\n[Show me]',
    );
    expect(byName('invoice_ready')).toMatchObject({ paramCount: 2, body: '[document: {{1}}]\n\nSua fatura {{2}} está anexa.' });
    expect(byName('login_code')).toMatchObject({ paramCount: 1, category: 'authentication' });
    expect(byName('bad_format')).toMatchObject({ status: 'rejected', statusReason: 'invalid format' });
  });

  it('orders numbered placeholders by number, named ones by appearance, each once', () => {
    expect(placeholders('{{2}} {{1}} {{2}} {{10}}', 'positional')).toEqual(['1', '2', '10']);
    expect(placeholders('{{b}} {{a}} {{b}}', 'named')).toEqual(['b', 'a']);
  });

  it('refuses what has no name or language Atende accepts', () => {
    expect(syncedTemplateOf({ name: 'Bad Name', language: 'en', status: 'APPROVED', components: [] })).toBeNull();
    expect(syncedTemplateOf({ name: 'ok', status: 'APPROVED' })).toBeNull();
  });

  it('reads an unknown status as not sendable', () => {
    expect(templateStatusOf('SOMETHING_NEW')).toBe('pending');
    expect(templateStatusOf('IN_APPEAL')).toBe('in_appeal');
  });

  it('builds the send components: header, body with parameter names, OTP button repeating the code', () => {
    const sale = byName('summer_sale');
    expect(sendComponents(sale.components, 'named', ['Summer', 'Ana', '15%'])).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: 'Summer', parameter_name: 'sale_name' }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana', parameter_name: 'first_name' },
          { type: 'text', text: '15%', parameter_name: 'discount' },
        ],
      },
    ]);
    const invoice = byName('invoice_ready');
    expect(sendComponents(invoice.components, 'positional', ['https://files.example/f.pdf', 'A-1'])).toEqual([
      { type: 'header', parameters: [{ type: 'document', document: { link: 'https://files.example/f.pdf' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'A-1' }] },
    ]);
    expect(sendComponents(byName('login_code').components, 'positional', ['123456'])).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: '123456' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '123456' }] },
    ]);
  });

  it('says why a template cannot be sent', () => {
    const t = { name: 'x', language: 'pt_BR', statusReason: null, removedAt: null };
    expect(templateRefusal({ ...t, status: 'approved' })).toBeNull();
    expect(templateRefusal({ ...t, status: 'paused', statusReason: 'first pause' })).toEqual({
      key: 'templateSync.refused.paused',
      params: { name: 'x', language: 'pt_BR', reason: ' (first pause)' },
    });
    expect(templateRefusal({ ...t, status: 'rejected' })?.key).toBe('templateSync.refused.rejected');
    expect(templateRefusal({ ...t, status: 'in_appeal' })?.key).toBe('templateSync.refused.pending');
    expect(templateRefusal({ ...t, status: 'approved', removedAt: new Date() })?.key).toBe('templateSync.refused.removed');
  });
});
