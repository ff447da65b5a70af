import { describe, expect, it } from 'vitest';
import { awarenessUser } from '../shared/awareness-user.ts';
import { stampAwarenessUser } from './awareness-identity.ts';

const bruno = awarenessUser('b0000000-0000-4000-8000-000000000002', 'Bruno Costa');

describe('stampAwarenessUser', () => {
  it('replaces a claimed id, name and colour by the connection’s user, keeping every other field', () => {
    const sent = JSON.stringify({
      user: { id: 'ana', name: 'Ana', color: 'red', colorLight: 'pink', extra: 1 },
      viewing: true,
      typing: 42,
      cursor: { anchor: 3 },
    });
    expect(JSON.parse(stampAwarenessUser(sent, bruno))).toEqual({
      user: { ...bruno, extra: 1 },
      viewing: true,
      typing: 42,
      cursor: { anchor: 3 },
    });
  });

  it('gives a `user` that is not an object the connection’s user', () => {
    expect(JSON.parse(stampAwarenessUser('{"user":"ana","viewing":true}', bruno))).toEqual({ user: bruno, viewing: true });
    expect(JSON.parse(stampAwarenessUser('{"user":null}', bruno))).toEqual({ user: bruno });
  });

  it('sees through escaped keys', () => {
    expect(JSON.parse(stampAwarenessUser('{"\\u0075ser":{"id":"ana"}}', bruno)).user).toEqual(bruno);
  });

  it('leaves states that claim nobody, and removals, as sent', () => {
    expect(stampAwarenessUser('{}', bruno)).toBe('{}');
    expect(stampAwarenessUser('{"viewing":true}', bruno)).toBe('{"viewing":true}');
    expect(stampAwarenessUser('null', bruno)).toBe('null');
  });

  it('throws on a state that is not a JSON object', () => {
    expect(() => stampAwarenessUser('{', bruno)).toThrow();
    expect(() => stampAwarenessUser('[1]', bruno)).toThrow();
    expect(() => stampAwarenessUser('"Ana"', bruno)).toThrow();
  });
});
