import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUDGET_KIB, DIST, firstLoad, gz } from '../bench/lib/bundle.ts';
import { ensureClientBuilt } from '../test/helpers/client-build.ts';

describe('client bundle', () => {
  it(`loads at most ${BUDGET_KIB} KiB of gzipped JavaScript first; the editor is not part of it`, async () => {
    await ensureClientBuilt();
    const { js } = firstLoad(path.join(DIST, 'index.html'));
    const bytes = js.reduce((sum, f) => sum + gz(f), 0);
    expect(bytes / 1024).toBeLessThanOrEqual(BUDGET_KIB);
    // Heavy parts load on demand: none of the first-load files holds CodeMirror or Yjs.
    const { readFileSync } = await import('node:fs');
    for (const f of js) {
      const code = readFileSync(f, 'utf8');
      expect([path.basename(f), code.includes('cm-editor')]).toEqual([path.basename(f), false]);
      expect([path.basename(f), code.includes('Yjs was already imported')]).toEqual([path.basename(f), false]);
    }
  }, 240_000);
});
