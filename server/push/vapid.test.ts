import { describe, expect, it } from 'vitest';
import { parseEnv } from '../env.ts';
import { vapidSubject } from './vapid.ts';

describe('VAPID configuration', () => {
  it('names the operator: VAPID_SUBJECT, else an https APP_ORIGIN, else the address of MAIL_FROM', () => {
    expect(vapidSubject(parseEnv({ VAPID_SUBJECT: 'mailto:ops@example.com' }))).toBe('mailto:ops@example.com');
    expect(vapidSubject(parseEnv({ APP_ORIGIN: 'https://atende.example.com' }))).toBe('https://atende.example.com');
    expect(vapidSubject(parseEnv({ MAIL_FROM: 'Atende <suporte@example.com>' }))).toBe('mailto:suporte@example.com');
  });

  it('wants both keys of the pair or neither, and a subject push services accept', () => {
    expect(() => parseEnv({ VAPID_PUBLIC_KEY: `B${'A'.repeat(86)}` })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => parseEnv({ VAPID_SUBJECT: 'http://localhost' })).toThrow(/VAPID_SUBJECT/);
    expect(parseEnv({}).PUSH_ALLOW_ANY_ENDPOINT).toBe(false);
    expect(parseEnv({ PUSH_SERVICE_HOSTS: ' FCM.googleapis.com , ' }).PUSH_SERVICE_HOSTS).toEqual(['fcm.googleapis.com']);
  });
});
