import { describe, expect, it } from 'vitest';
import { bannerLines } from './banner.ts';

describe('the start banner', () => {
  it('prints the demo logins, then the demo web chat widget address', () => {
    const lines = bannerLines({
      origin: 'http://localhost:3000',
      demoLogins: ['admin@demo.test / atende-demo (admin)'],
      demoWebchatChannelId: '7d0c6a55-0000-4000-8000-000000000001',
    });
    expect(lines).toEqual([
      'Atende is running on http://localhost:3000',
      'Demo logins:',
      '  admin@demo.test / atende-demo (admin)',
      'Chat as a customer (the demo web chat widget):',
      '  http://localhost:3000/widget?channel=7d0c6a55-0000-4000-8000-000000000001',
    ]);
  });

  it('prints only the setup link without a demo', () => {
    const lines = bannerLines({ origin: 'https://atende.example', setupLink: 'https://atende.example/setup#t' });
    expect(lines.join('\n')).not.toContain('/widget');
    expect(lines.at(-1)).toBe('  https://atende.example/setup#t');
  });
});
