import { describe, expect, it } from 'vitest';
import { isPublicAddress, literalAddress, urlRefusal } from './webhook-targets.ts';

describe('webhook targets (SSRF)', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('wants https unless private targets are allowed, and a plain URL', () => {
    expect(urlRefusal('http://example.com/hook', false)).toBe('httpsRequired');
    expect(urlRefusal('http://example.com/hook', true)).toBeNull();
    expect(urlRefusal('https://example.com/hook', false)).toBeNull();
    expect(urlRefusal('ftp://example.com/hook', true)).toBe('invalidUrl');
    expect(urlRefusal('https://user:pw@example.com/', false)).toBe('invalidUrl');
    expect(urlRefusal('nonsense', false)).toBe('invalidUrl');
  });

  it('tells address literals from names', () => {
    expect(literalAddress('[::1]')).toBe('::1');
    expect(literalAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(literalAddress('example.com')).toBeNull();
  });
});
