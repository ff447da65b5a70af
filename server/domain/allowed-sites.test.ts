import { describe, expect, it } from 'vitest';
import { frameAncestors, siteOrigin } from './allowed-sites.ts';

describe('web chat allowed sites', () => {
  it('takes http(s) origins as browsers write them', () => {
    expect(siteOrigin('https://shop.example.com')).toBe('https://shop.example.com');
    expect(siteOrigin(' https://Shop.Example.com/ ')).toBe('https://shop.example.com');
    expect(siteOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    expect(siteOrigin('https://shop.example.com:443')).toBe('https://shop.example.com');
    expect(siteOrigin('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(siteOrigin('https://[::1]:8443')).toBe('https://[::1]:8443');
    expect(siteOrigin('https://loja.exemplo.com.br')).toBe('https://loja.exemplo.com.br');
    expect(siteOrigin('https://ação.example')).toBe('https://xn--ao-siap.example');
  });

  it('refuses anything that is not exactly an origin', () => {
    for (const bad of [
      '',
      'shop.example.com',
      '//shop.example.com',
      'ftp://shop.example.com',
      'javascript:alert(1)',
      'https://shop.example.com/path',
      'https://shop.example.com?x=1',
      'https://shop.example.com#x',
      'https://user:pass@shop.example.com',
      'https://*.example.com',
      '*',
      "'self'",
      'https://shop.example.com; script-src *',
      'https://shop.example.com https://evil.example',
      'https://a_b.example.com',
      'https://',
    ]) {
      expect(siteOrigin(bad), bad).toBeNull();
    }
  });

  it('makes frame-ancestors from the list: any site when empty, none when nothing valid remains', () => {
    expect(frameAncestors([])).toBe('frame-ancestors *');
    expect(frameAncestors(['https://shop.example.com', 'http://localhost:8080'])).toBe(
      'frame-ancestors https://shop.example.com http://localhost:8080',
    );
    expect(frameAncestors(['https://shop.example.com; script-src *'])).toBe("frame-ancestors 'none'");
  });
});
