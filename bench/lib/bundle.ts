import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** Where the client is built, and the first-load budget of issue 6 (JS, gzip). */
export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'client');
export const BUDGET_KIB = 150;

export const gz = (file: string) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;

/** Static `import … from "./x.js"` (and bare `import "./x.js"`) of a built chunk; never `import()`. */
function staticImports(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of code.matchAll(/(?<![\w$.])import\s*(?:[\w$*{}\s,]+from\s*)?["']([^"']+\.js)["']/g)) {
    out.push(path.resolve(path.dirname(file), m[1]!));
  }
  return out;
}

/** The entry scripts of an HTML page and the closure of their static imports. */
export function firstLoad(html: string): { js: string[]; css: string[] } {
  const text = fs.readFileSync(html, 'utf8');
  const refs = [...text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => path.join(DIST, m[1]!.replace(/^\//, '')));
  const js = new Set<string>();
  const queue = refs.filter((r) => r.endsWith('.js'));
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (js.has(next)) continue;
    js.add(next);
    queue.push(...staticImports(next));
  }
  return { js: [...js], css: refs.filter((r) => r.endsWith('.css')) };
}
