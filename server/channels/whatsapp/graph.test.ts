import { describe, expect, it } from 'vitest';
import { GraphClient, isMediaId, MediaRefused, mediaUrlAllowed } from './graph.ts';

describe('inbound media requests', () => {
  it('take only plain numeric media ids', () => {
    expect(isMediaId('1037543291543636')).toBe(true);
    for (const id of ['', '../../1/x', '12/34', '12?fields=a', '%2e%2e', '12 ', 'MEDIA1', '1'.repeat(41)])
      expect(isMediaId(id)).toBe(false);
  });

  it('refuse a media id that is not one before any request', async () => {
    // The base URL is unreachable on purpose: a request would fail differently.
    const graph = new GraphClient('http://127.0.0.1:9', { mediaHosts: [] });
    await expect(graph.lookupMedia('../../1/x?fields=name', 'token')).rejects.toBeInstanceOf(MediaRefused);
    await expect(graph.fetchMediaFile('https://evil.example/file', 'token')).rejects.toBeInstanceOf(MediaRefused);
  });

  it('send the token only to the configured media hosts (https) or exact origins', () => {
    const hosts = ['lookaside.fbsbx.com', 'http://127.0.0.1:4010'];
    expect(mediaUrlAllowed('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3', hosts)).toBe(true);
    expect(mediaUrlAllowed('http://127.0.0.1:4010/files/1', hosts)).toBe(true);
    for (const url of [
      'http://lookaside.fbsbx.com/x', // not https
      'https://lookaside.fbsbx.com:8443/x', // another port
      'https://lookaside.fbsbx.com.evil.example/x',
      'https://evil.example/lookaside.fbsbx.com',
      'https://user:pass@lookaside.fbsbx.com/x',
      'http://127.0.0.1:4011/files/1',
      'https://127.0.0.1:4010/files/1',
      'not a url',
    ])
      expect(mediaUrlAllowed(url, hosts), url).toBe(false);
    expect(mediaUrlAllowed('https://lookaside.fbsbx.com/x', [])).toBe(false);
  });
});
