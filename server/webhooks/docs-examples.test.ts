import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../domain/webhooks.ts';

/** The signature-checking examples of docs/integrations.md, run as a receiver would run them. */
const DOC = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/integrations.md'), 'utf8');
function example(marker: string, lang: string): string {
  const found = new RegExp(`<!-- ${marker} -->\\n\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!found) throw new Error(`docs/integrations.md has no ${marker} example`);
  return found[1]!;
}

const SECRET = 'whsec_docs_example';
const BODY = JSON.stringify({ id: 'e1', type: 'message.received', data: { message: { text: 'Olá, ação ✓' } } });
const T = 1_765_000_000;
const HEADER = signatureHeader([SECRET], T, BODY);
const ROTATED = signatureHeader(['whsec_new_one', SECRET], T, BODY);
/** [header, body, secret, now, expected] */
const CASES: [string, string, string, number, boolean][] = [
  [HEADER, BODY, SECRET, T, true],
  [HEADER, BODY, SECRET, T + 299, true],
  [ROTATED, BODY, SECRET, T, true],
  [HEADER, BODY.replace('Olá', 'Ola'), SECRET, T, false],
  [HEADER, BODY, 'whsec_wrong', T, false],
  [HEADER, BODY, SECRET, T + 301, false],
  [HEADER, BODY, SECRET, T - 301, false],
  [HEADER.replace(/^t=\d+/, `t=${T + 1}`), BODY, SECRET, T, false],
  ['v1=deadbeef', BODY, SECRET, T, false],
  ['', BODY, SECRET, T, false],
];

describe('docs/integrations.md signature examples', () => {
  it('Node: accepts a genuine, recent signature and refuses a tampered, foreign or stale one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-doc-'));
    try {
      const file = path.join(dir, 'verify.mjs');
      fs.writeFileSync(file, example('webhook-verify-node', 'js'));
      const { verifyAtendeSignature } = await import(pathToFileURL(file).href);
      for (const [header, body, secret, now, expected] of CASES) {
        expect([header, now, verifyAtendeSignature(secret, header, Buffer.from(body), now)]).toEqual([header, now, expected]);
      }
      // A string body works as well as the raw bytes.
      expect(verifyAtendeSignature(SECRET, HEADER, BODY, T)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('Python: gives the same answers', () => {
    const program = `${example('webhook-verify-python', 'python')}

import json, sys
cases = json.loads(sys.stdin.read())
print(json.dumps([verify_atende_signature(s, h, b.encode(), n) for h, b, s, n, _ in cases]))
`;
    const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(CASES), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(CASES.map((c) => c[4]));
  });
});
