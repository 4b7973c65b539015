import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

// GET /docs: the API reference, rendered on the server from the same OpenAPI document as
// /openapi.json (issue 23: no third-party viewer, so no Node 22-only packages, nothing from
// elsewhere, and every control labelled). The one script (client/tryIt.ts) only sends try-it
// requests to our own origin; without it the page is still the whole reference.

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  description?: string;
  pattern?: string;
  format?: string;
};
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema; example?: unknown };
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema; example?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};
type SecurityScheme = { type: string; scheme?: string; in?: string; name?: string; description?: string };
/** The parts of an OpenAPI 3.1 document the page shows. */
export interface ReferenceDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, SecurityScheme> };
}

const here = path.dirname(fileURLToPath(import.meta.url));
let script: Promise<string> | undefined;
/** The try-it script, built once per process in memory (esbuild), like the portal's. */
function tryItScript(): Promise<string> {
  script ??= build({ entryPoints: [path.join(here, 'client', 'tryIt.ts')], bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', write: false, logLevel: 'silent' }).then(
    (result) => result.outputFiles[0]!.text,
  );
  script.catch(() => (script = undefined));
  return script;
}

const POLICY = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Backquoted words become code; blank lines separate paragraphs. Everything else is text. */
function prose(text: string | undefined) {
  if (!text) return '';
  const paragraphs = text.split(/\n{2,}/).map((paragraph) => {
    const parts = paragraph.split('`').map((part, i) => (i % 2 ? html`<code>${part}</code>` : html`${part}`));
    return html`<p>${parts}</p>`;
  });
  return html`${paragraphs}`;
}

const anchor = (method: string, route: string) => `${method}-${route}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  if (type === 'array') return `array of ${typeOf(schema.items)}`;
  return schema.format ? `${type} (${schema.format})` : type;
}

/** The fields of an object schema (a $ref resolved once), as a table; other schemas as their type. */
function fieldsTable(schema: Schema | undefined, doc: ReferenceDocument, caption: string) {
  const resolved = schema?.$ref ? doc.components?.schemas?.[refName(schema.$ref)] : schema;
  const variants = resolved?.anyOf && resolved.anyOf.every((s) => s.properties) ? resolved.anyOf : resolved?.properties ? [resolved] : [];
  if (!variants.length) return html`<p>${caption}: <code>${typeOf(schema)}</code></p>`;
  return variants.map(
    (variant, i) => html`<table>
      <caption>${caption}${variants.length > 1 ? ` (form ${i + 1} of ${variants.length})` : ''}${schema?.$ref ? `: ${refName(schema.$ref)}` : ''}</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead>
      <tbody>
        ${Object.entries(variant.properties ?? {}).map(
          ([name, field]) => html`<tr><td><code>${name}</code></td><td>${typeOf(field)}</td><td>${variant.required?.includes(name) ? 'required' : 'optional'}</td><td>${field.description ?? (field.pattern ? `pattern ${field.pattern}` : '')}</td></tr>`,
        )}
      </tbody>
    </table>`,
  );
}

/** "Authentication: required, one of …" or "none", in words, with each scheme's description. */
function authentication(operation: Operation, doc: ReferenceDocument) {
  const requirements = operation.security ?? [];
  if (!requirements.length) return html`<p><strong>Authentication:</strong> none.</p>`;
  const optional = requirements.some((r) => Object.keys(r).length === 0);
  const schemes = requirements.flatMap((r) => Object.entries(r)).map(([name, scopes]) => {
    const scheme = doc.components?.securitySchemes?.[name];
    const how = scheme?.type === 'oauth2' ? 'OAuth 2.0 access token (Bearer), from POST /oauth2/token' : scheme?.type === 'apiKey' ? `${scheme.name} (${scheme.in})` : 'Bearer token';
    return html`<li><code>${name}</code>: ${how}${scopes.length ? `, scope ${scopes.join(' ')}` : ''}. ${prose(scheme?.description)}</li>`;
  });
  const head = optional ? 'optional' : schemes.length > 1 ? 'required, one of' : 'required';
  return html`<div><p><strong>Authentication:</strong> ${head}</p><ul>${schemes}</ul></div>`;
}

/** The try-it form: the operation's parameters, body and token, prefilled with its examples. */
function tryIt(method: string, route: string, operation: Operation, id: string) {
  const bearer = (operation.security ?? []).some((r) => Object.keys(r).some((name) => name !== 'browserOrigin' && name !== 'deviceTokenQuery'));
  const [type, body] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
  const example = body?.example;
  const text = typeof example === 'string' ? example : example === undefined ? (type === 'application/json' ? '{}' : '') : JSON.stringify(example, null, 2);
  return html`<form class="try-it" data-method="${method.toUpperCase()}" data-path="${route}" data-bearer="${bearer ? '1' : ''}" aria-label="Try it: ${method.toUpperCase()} ${route}">
    <h4>Try it</h4>
    ${(operation.parameters ?? []).map(
      (p) => html`<p><label for="${id}-${p.in}-${p.name}">${p.name} (${p.in}${p.required ? ', required' : ''})</label>
        <input id="${id}-${p.in}-${p.name}" name="${p.name}" data-in="${p.in}" value="${p.example === undefined ? '' : String(p.example)}" ${p.required ? raw('required') : ''}></p>`,
    )}
    ${
      type && !/json|x-www-form-urlencoded|^text\//.test(type)
        ? html`<p><label for="${id}-body">File to send (${type})</label><input type="file" id="${id}-body" name="body" data-type="${type}" accept="${type}" required></p>`
        : type
          ? html`<p><label for="${id}-body">Request body (${type})</label><textarea id="${id}-body" name="body" data-type="${type}" rows="${Math.min(16, text.split('\n').length + 1)}" spellcheck="false">${text}</textarea></p>`
          : ''
    }
    <p><button type="submit">Send ${method.toUpperCase()} ${route}</button></p>
    <div class="answer" role="status" aria-live="polite"></div>
  </form>`;
}

function operationSection(method: string, route: string, operation: Operation, doc: ReferenceDocument) {
  const id = anchor(method, route);
  return html`<section class="operation" aria-labelledby="${id}">
    <h3 id="${id}">${operation.summary ?? `${method.toUpperCase()} ${route}`}</h3>
    <p class="endpoint"><span class="method ${method}">${method.toUpperCase()}</span> <code>${route}</code></p>
    ${prose(operation.description)}
    ${authentication(operation, doc)}
    ${
      operation.parameters?.length
        ? html`<table><caption>Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead><tbody>
          ${operation.parameters.map((p) => html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${typeOf(p.schema)}</td><td>${p.required ? 'required' : 'optional'}</td><td>${p.description ?? ''}</td></tr>`)}
          </tbody></table>`
        : ''
    }
    ${Object.entries(operation.requestBody?.content ?? {}).map(([type, content]) => fieldsTable(content.schema, doc, `Request body (${type})`))}
    <table><caption>Answers</caption><thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Body</th></tr></thead><tbody>
      ${Object.entries(operation.responses ?? {}).map(
        ([status, answer]) => html`<tr><td>${status}</td><td>${answer.description ?? ''}</td><td>${Object.entries(answer.content ?? {}).map(([type, content]) => html`<code>${type}</code> ${typeOf(content.schema)} `)}</td></tr>`,
      )}
    </tbody></table>
    ${tryIt(method, route, operation, id)}
  </section>`;
}

/** The whole reference page for a document. */
export function renderReference(doc: ReferenceDocument): HtmlEscapedString | Promise<HtmlEscapedString> {
  const byTag = new Map<string, { method: string; route: string; operation: Operation }[]>();
  for (const [route, operations] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, route, operation }]);
    }
  }
  const tagId = (tag: string) => `tag-${anchor('', tag)}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
  header, main, nav { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
  a { color: #0b4fa0; }
  code, textarea, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
  table { border-collapse: collapse; margin: 0.75rem 0; width: 100%; }
  caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
  th, td { border: 1px solid #b0b0b0; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
  .operation { border-top: 2px solid #d0d0d0; padding: 0.5rem 0 1rem; }
  .method { display: inline-block; min-width: 4rem; text-align: center; color: #fff; border-radius: 4px; font-weight: 700; padding: 0 0.4rem; }
  .method.get { background: #0b5a2f; } .method.post { background: #0b4fa0; } .method.delete { background: #a3231b; } .method.put, .method.patch { background: #6b4200; }
  .try-it { background: #f3f5f8; border: 1px solid #b0b0b0; border-radius: 6px; padding: 0.5rem 1rem; }
  .try-it label { display: block; font-weight: 600; }
  .try-it input:not([type=file]), .try-it textarea { width: 100%; box-sizing: border-box; }
  button { font: inherit; padding: 0.3rem 0.9rem; background: #0b4fa0; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
  .answer pre { background: #fff; border: 1px solid #b0b0b0; padding: 0.5rem; overflow: auto; max-height: 24rem; }
  #token-box { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #b0b0b0; padding: 0.5rem 1rem; z-index: 1; }
  #token-box input { width: min(40rem, 100%); }
</style>
</head>
<body>
<header>
  <h1>${doc.info.title} <small>${doc.info.version}</small></h1>
  ${prose(doc.info.description)}
  <p>The whole document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). In words: <a href="/docs/api.md">docs/api.md</a> (the API: errors, signing, who may call) and <a href="/docs/design.md">docs/design.md</a> (how RoamSign works), also in the repository's <code>docs/</code> folder.</p>
</header>
<div id="token-box" role="region" aria-label="Access token">
  <label for="access-token">Bearer token sent by try-it (a system's access token from POST /oauth2/token, filled in when that call answers; or GPKI Mobile's device secret)</label>
  <input id="access-token" autocomplete="off" spellcheck="false">
</div>
<nav aria-label="Operations">
  <h2>Contents</h2>
  <ul>
    ${[...byTag].map(
      ([tag, ops]) => html`<li><a href="#${tagId(tag)}">${tag}</a><ul>${ops.map(({ method, route, operation }) => html`<li><a href="#${anchor(method, route)}">${operation.summary ?? route}</a></li>`)}</ul></li>`,
    )}
  </ul>
</nav>
<main>
  ${[...byTag].map(
    ([tag, ops]) => html`<section aria-labelledby="${tagId(tag)}"><h2 id="${tagId(tag)}">${tag}</h2>${ops.map(({ method, route, operation }) => operationSection(method, route, operation, doc))}</section>`,
  )}
</main>
<script src="/docs/try-it.js"></script>
</body>
</html>`;
}

/** The repository's own documents that /docs links to (issue 23 item 11), served as text. */
const WRITTEN = { 'design.md': '../../docs/design.md', 'api.md': '../../docs/api.md' } as const;

/** GET /docs (the reference), GET /docs/try-it.js (its one script), GET /docs/{design,api}.md. */
export function apiReferenceRoutes(document: () => ReferenceDocument) {
  const headers = { 'Content-Security-Policy': POLICY, 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' };
  return new Hono()
    .get('/docs/:name{(design|api)\\.md}', async (c) => {
      const file = WRITTEN[c.req.param('name') as keyof typeof WRITTEN];
      const text = await fs.promises.readFile(new URL(file, import.meta.url), 'utf8');
      return c.text(text, 200, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
    })
    .get('/docs/try-it.js', async (c) => c.body(await tryItScript(), 200, { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }))
    .get('/docs', async (c) => c.html(await renderReference(document()), 200, headers));
}
