import type { ErrorCode } from '../../core/errors.ts';
import { HTTP_STATUS } from '../problem.ts';
import { ERROR_DESCRIPTIONS, TRANSPORT_ERRORS } from './error-docs.ts';

type Json = Record<string, unknown>;

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const code = (value: unknown) => `<pre><code>${escape(JSON.stringify(value, null, 2))}</code></pre>`;

function operationHtml(method: string, path: string, op: Json): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const parameters = (op.parameters as Json[] | undefined) ?? [];
  const requestBody = op.requestBody as { content: Record<string, { schema: unknown }>; required: boolean } | undefined;
  const responses = op.responses as Record<
    string,
    { description: string; content?: Record<string, { schema: unknown }> }
  >;
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escape(String(p.name))}</code></td><td>${escape(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escape(String((p.description as string | undefined) ?? ''))}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`,
    )
    .join('');
  const responseHtml = Object.entries(responses)
    .map(([status, response]) => {
      const schema = response.content?.['application/json']?.schema;
      const body = schema ? code(schema) : '';
      const described = escape(response.description)
        .replace(/`([A-Z_]+)`/g, '<code>$1</code>')
        .replace(/\n\n/g, '<br>');
      return `<li><strong>${escape(status)}</strong> — ${described}${body}</li>`;
    })
    .join('');
  const id = escape(String(op.operationId));
  return `<section class="op" id="${id}">
<h3><span class="method ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h3>
<p>${escape(String(op.summary))}</p>${op.description ? `<p>${escape(text(op.description))}</p>` : ''}
<p class="meta">scope: <code>${escape(String(op['x-scope']))}</code>${op['x-idempotency'] ? ` · Idempotency-Key ${escape(text(op['x-idempotency']))}` : ''} · operationId <code>${id}</code></p>
${rows ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th></th><th>schema</th></tr>${rows}</table>` : ''}
${requestBody ? `<h4>Request body${requestBody.required ? '' : ' (optional)'}</h4>${code(requestBody.content['application/json']?.schema)}` : ''}
<h4>Responses</h4><ul>${responseHtml}</ul>
</section>`;
}

/** A self-contained, readable page for the OpenAPI document: no scripts, fonts or styles from elsewhere. */
export function renderDocs(doc: Json): string {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = ((op.tags as string[] | undefined) ?? ['other'])[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
      toc.set(tag, [
        ...(toc.get(tag) ?? []),
        `<li><a href="#${escape(String(op.operationId))}"><code>${escape(method.toUpperCase())} ${escape(path)}</code></a></li>`,
      ]);
    }
  }
  const errorRows = [
    ...(Object.keys(ERROR_DESCRIPTIONS) as ErrorCode[]).map((c) => [c, HTTP_STATUS[c], ERROR_DESCRIPTIONS[c]] as const),
    ...Object.entries(TRANSPORT_ERRORS).map(([c, e]) => [c, e.status, e.description] as const),
  ]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .map(([c, status, text]) => `<tr><td><code>${escape(c)}</code></td><td>${status}</td><td>${escape(text)}</td></tr>`)
    .join('');
  const info = doc.info as { title: string; version: string; description: string };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f6f8;padding:.6rem;overflow:auto;border-radius:6px;max-height:24rem}
.op{border-top:1px solid #dde1e7;padding:.5rem 0}.method{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;padding:0 .3rem;font-size:13px}
.get{background:#2f6fdf}.post{background:#1f9d55}.put{background:#b7791f}.patch{background:#805ad5}.delete{background:#c53030}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #dde1e7;padding:.2rem .5rem;text-align:left;vertical-align:top}.meta{color:#5a6372}
</style></head><body>
<h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>
<p>${escape(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>; create one with <code>npx power-realms admin token --name you</code>.</p>
<nav>${[...toc].map(([tag, items]) => `<h4>${escape(tag)}</h4><ul>${items.join('')}</ul>`).join('')}<h4><a href="#errors">Error codes</a></h4></nav>
${[...byTag].map(([tag, ops]) => `<h2>${escape(tag)}</h2>${ops.join('\n')}`).join('\n')}
<h2 id="errors">Error codes</h2>
<p>Every error is <code>application/problem+json</code>: <code>{ type, title, status, code, detail }</code>, plus <code>errors</code> for validation and <code>retryAfterSeconds</code> with a <code>Retry-After</code> header where waiting helps.</p>
<table><tr><th>code</th><th>HTTP</th><th>meaning</th></tr>${errorRows}</table>
</body></html>`;
}
