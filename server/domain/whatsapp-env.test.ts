import { describe, expect, it } from 'vitest';
import { accessTokenFor, phoneNumberIdRefusal, servedByEnv } from './whatsapp-env.ts';

const ENV = { phoneNumberId: '100000000000001', accessToken: 'env-token' };
const envChannel = { kind: 'whatsapp', envManaged: true, phoneNumberId: '100000000000001', accessToken: null };
const adminChannel = { kind: 'whatsapp', envManaged: false, phoneNumberId: '100000000000002', accessToken: null };

describe("the environment's WhatsApp credentials", () => {
  it('serve only the system-made channel with the environment’s number', () => {
    expect(servedByEnv(envChannel, ENV.phoneNumberId)).toBe(true);
    expect(servedByEnv({ ...envChannel, phoneNumberId: '100000000000009' }, ENV.phoneNumberId)).toBe(false); // env changed its number
    expect(servedByEnv({ ...adminChannel, phoneNumberId: ENV.phoneNumberId }, ENV.phoneNumberId)).toBe(false);
    expect(servedByEnv({ ...envChannel, kind: 'webchat' }, ENV.phoneNumberId)).toBe(false);
  });

  it("give the environment's token to the environment's channel only; a channel's own token always wins", () => {
    expect(accessTokenFor(envChannel, ENV)).toBe('env-token');
    expect(accessTokenFor(adminChannel, ENV)).toBeNull();
    expect(accessTokenFor({ ...adminChannel, accessToken: 'own' }, ENV)).toBe('own');
    expect(accessTokenFor({ ...envChannel, accessToken: 'own' }, ENV)).toBe('own');
    expect(accessTokenFor(envChannel, { ...ENV, accessToken: null })).toBeNull();
  });

  it("keep the environment's number for its channel", () => {
    expect(phoneNumberIdRefusal(null, ENV.phoneNumberId, ENV.phoneNumberId)).toBe('invalid');
    expect(phoneNumberIdRefusal(null, '100000000000003', ENV.phoneNumberId)).toBeNull();
    expect(phoneNumberIdRefusal(null, undefined, ENV.phoneNumberId)).toBeNull();
    expect(phoneNumberIdRefusal(adminChannel, ENV.phoneNumberId, ENV.phoneNumberId)).toBe('invalid');
    expect(phoneNumberIdRefusal(adminChannel, adminChannel.phoneNumberId, ENV.phoneNumberId)).toBeNull(); // unchanged
    expect(phoneNumberIdRefusal(envChannel, ENV.phoneNumberId, ENV.phoneNumberId)).toBeNull(); // saved unchanged
    expect(phoneNumberIdRefusal(envChannel, '100000000000004', ENV.phoneNumberId)).toBe('envChannelNumber');
    expect(phoneNumberIdRefusal(envChannel, null, ENV.phoneNumberId)).toBe('envChannelNumber');
  });
});
