/**
 * The human reference of the REST API at /api/docs: rendered on the server from the OpenAPI
 * document itself, so it cannot drift from it. Self-contained (no script, no CDN: many
 * installations have no internet access), and in English like the rest of the developer docs.
 */

type Schema = Record<string, unknown>;
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** The descriptions' `code` spans, and nothing else of Markdown. */
const prose = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function typeOf(s: Schema | undefined): string {
  if (!s) return '';
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map(String).join(' | ');
  if (s.type === 'array') return `${typeOf(s.items as Schema)}[]`;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map(typeOf).join(' | ');
  const t = Array.isArray(s.type) ? (s.type as string[]).join(' | ') : String(s.type ?? 'object');
  return s.format ? `${t} (${String(s.format)})` : t;
}

const schemaBlock = (s: Schema | undefined) => (s ? `<pre>${escapeHtml(JSON.stringify(s, null, 2))}</pre>` : '');

function operationHtml(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${escapeHtml(typeOf(p.schema))}</td><td>${p.required ? 'yes' : ''}</td><td>${prose(p.description ?? '')}</td></tr>`,
    )
    .join('');
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([code, r]) => `<li><strong>${escapeHtml(code)}</strong> ${prose(r.description ?? '')}</li>`)
    .join('');
  const ok = op.responses?.['200']?.content?.['application/json']?.schema;
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  return `<section class="op" id="${escapeHtml(id)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${prose(op.summary ?? '')}</p>
${(op.description ?? '')
  .split('\n\n')
  .map((para) => `<p>${prose(para)}</p>`)
  .join('')}
${params ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>required</th><th>description</th></tr></thead><tbody>${params}</tbody></table>` : ''}
${body ? `<details><summary>Request body (application/json)</summary>${schemaBlock(body)}</details>` : ''}
<h4>Responses</h4><ul>${responses}</ul>
${ok ? `<details><summary>Response body (200)</summary>${schemaBlock(ok)}</details>` : ''}
</section>`;
}

export function docsPage(doc: Document): string {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op, tag: op.tags?.[0] ?? 'other' })),
  );
  const tags = [...new Set(operations.map((o) => o.tag))];
  const toc = operations
    .map((o) => {
      const id = `${o.method}-${o.path}`.replace(/[^a-z0-9]+/gi, '-');
      return `<li><a href="#${escapeHtml(id)}"><span class="method ${escapeHtml(o.method)}">${escapeHtml(o.method.toUpperCase())}</span> ${escapeHtml(o.path)}</a></li>`;
    })
    .join('');
  const sections = tags
    .map(
      (tag) =>
        `<h2>${escapeHtml(tag)}</h2>${operations
          .filter((o) => o.tag === tag)
          .map((o) => operationHtml(o.path, o.method, o.op))
          .join('')}`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 1.5rem;color:#1f2937}
h1{margin-bottom:.25rem}h2{margin-top:2.5rem;border-bottom:1px solid #d1d5db;text-transform:capitalize}
.op{border:1px solid #e5e7eb;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4.5em;font:600 12px/1.8 ui-monospace,monospace;text-align:center;border-radius:4px;color:#fff;background:#4b5563}
.method.get{background:#0f766e}.method.post{background:#1d4ed8}.method.patch{background:#b45309}.method.delete{background:#b91c1c}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f3f4f6;padding:.75rem;overflow:auto;border-radius:6px}
table{border-collapse:collapse}td,th{border:1px solid #e5e7eb;padding:.2rem .5rem;text-align:left;vertical-align:top}
.toc{columns:2}.toc a{text-decoration:none;color:inherit}
</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${prose(doc.info.description ?? '')}</p>
<p>The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3).</p></header>
<nav aria-label="Operations"><ul class="toc">${toc}</ul></nav>
<main>${sections}</main></body></html>`;
}
