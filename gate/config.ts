import fs from 'node:fs';
import { z } from 'zod';
import { TOKEN_OFFICER_POLICIES } from '../shared/schemas/approval.js';

// The gate's own configuration (issue 12). It names, per system, the approval submissions the
// gate must check; the lead will later align it with the shared site-rule format.

/** A path pattern in Hono's router syntax: `/sth/:docNo/approve`, `*` for any rest. */
const pathPattern = z.string().regex(/^\/[^\s?#]*$/, 'a path such as /sth/:docNo/approve (no query, no spaces)');
const fieldName = z.string().min(1).max(200);
const nric = z.string().regex(/^\d{12}$/, 'a 12-digit MyKad number');

/** Where the gate reads the officer an approval post is made by. */
const officerSource = z.union([
  /** A posted field (form, multipart or JSON; dotted path in JSON). */
  z.strictObject({ field: fieldName }),
  /** A query parameter of the post's URL; `default` when it is absent (as the demo screens do). */
  z.strictObject({ query: fieldName, default: nric.optional() }),
  /** A request header set by the agency's single sign-on in front of the gate. */
  z.strictObject({ header: z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name') }),
  /** The legacy session: the gate GETs this path of the back end with the post's cookies and reads a JSON property. */
  z.strictObject({ session: z.strictObject({ path: pathPattern, property: fieldName }) }),
]);

/** What makes a post to the rule's path an approval (other posts there pass unchanged). */
const approvalMarker = z.union([
  z.strictObject({ always: z.literal(true) }),
  z.strictObject({ field: fieldName, values: z.array(z.string()).min(1) }),
]);

const tokenOfficers = z
  .strictObject({
    /** `refuse`: every approval needs a RoamSign signature; `pass`: token officers keep the legacy path unchecked;
     * `require_field`: they pass only with a non-empty legacy token signature in `field` (the back end verifies it). */
    policy: z.enum(TOKEN_OFFICER_POLICIES),
    field: fieldName.optional(),
  })
  .refine((t) => t.policy !== 'require_field' || t.field !== undefined, { message: 'require_field needs a field', path: ['field'] });

/** The hidden inputs the widget and the extension add to the approval form. */
const signatureFields = z.strictObject({
  signature: fieldName.default('roamsign_signature'),
  requestId: fieldName.default('roamsign_request_id'),
  documentId: fieldName.default('roamsign_document_id'),
});

const widgetAttributes = z.record(z.string().regex(/^data-[a-z][a-z-]*$/, 'a data-* attribute'), z.string());

/**
 * The URL parameters that name the document the back end acts on, each bound to a document field
 * (a key of `document`): `{ "path": { "docNo": "noDokumen" } }` for `/…/:docNo`, `{ "query": { "id": "noDokumen" } }`
 * for `?id=`. A post whose URL names another document than the posted (signed) one is refused.
 */
const urlBinding = z.strictObject({
  path: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a :param of the path'), fieldName).optional(),
  query: z.record(fieldName, fieldName).optional(),
});

export const ruleSchema = z.strictObject({
  /** A name for the audit and the logs. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, . _ -'),
  /** `ANY` when the back end also honours method overrides. */
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE', 'ANY']).default('POST'),
  /** A path pattern; `/prefix/*` protects everything under the prefix. */
  path: pathPattern,
  body: z.enum(['form', 'multipart', 'json']),
  bind: urlBinding.optional(),
  /** Document field (as the widget signs it) -> posted field that carries it. */
  document: z.record(fieldName, fieldName).refine((m) => Object.keys(m).length > 0, 'at least one field'),
  officer: officerSource,
  marker: approvalMarker,
  tokenOfficers: tokenOfficers.default({ policy: 'refuse' }),
  /** How old (seconds since signing) a signature may be when its approval is posted. */
  freshnessSeconds: z.number().int().min(1).max(24 * 60 * 60).default(600),
  signatureFields: signatureFields.default({ signature: 'roamsign_signature', requestId: 'roamsign_request_id', documentId: 'roamsign_document_id' }),
  /** Largest approval body read (it is held in memory while RoamSign decides). */
  maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(10 * 1024 * 1024),
});

export const systemSchema = z.strictObject({
  /** The registered system id in RoamSign (its client acts for it only). */
  id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  /** The system's OAuth 2.0 client (`npm run roamsign -- create-client <system>`); the secret inline or from an environment variable. */
  client: z
    .strictObject({ id: z.string().min(1), secret: z.string().min(1).optional(), secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional() })
    .refine((c) => (c.secret === undefined) !== (c.secretEnv === undefined), 'give exactly one of secret and secretEnv'),
  rules: z.array(ruleSchema).min(1),
  /**
   * With `injectWidget`: the pages (GET) that get the widget's script tag, and its data-*
   * attributes (README "Embed the widget"): common ones, and per page (a screen's own fields).
   */
  widget: z
    .strictObject({
      attributes: widgetAttributes.default({}),
      pages: z.array(z.union([pathPattern, z.strictObject({ path: pathPattern, attributes: widgetAttributes.default({}) })])).min(1),
    })
    .optional(),
});

export const gateConfigSchema = z
  .strictObject({
    // A port may be a number or, after ${VAR:-default} expansion (loadGateConfig), its digits.
    listen: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number().int().min(0).max(65535)) }),
    /** The legacy back end the gate stands in front of. */
    upstream: z.url({ protocol: /^https?$/ }),
    roamsign: z.strictObject({ url: z.url({ protocol: /^https?$/ }), timeoutMs: z.number().int().min(100).max(60_000).default(5000) }),
    systems: z.array(systemSchema).min(1),
    /** Add the widget's script tag (and its CSP sources) to the pages each system lists. */
    injectWidget: z.boolean().default(false),
    /** Add X-Forwarded-For / -Proto / -Host to what the back end receives. */
    forwardedHeaders: z.boolean().default(true),
    /** Send the back end its own Host header instead of the browser's. */
    changeOrigin: z.boolean().default(false),
    log: z.enum(['info', 'silent']).default('info'),
    /** Prometheus metrics on a listener of their own (issue 24); bind it where only Prometheus reaches. */
    metrics: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(0).max(65535) }).optional(),
    /** Approval bodies held in memory at once, all rules together; beyond it 503 with Retry-After (env ROAMSIGN_GATE_MAX_BUFFERED_BYTES overrides). */
    maxBufferedBytes: z.number().int().min(64 * 1024).max(4 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.systems.forEach((system, s) =>
      system.rules.forEach((rule, r) => {
        const key = `${rule.method} ${rule.path}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `${key} is in two rules`, path: ['systems', s, 'rules', r, 'path'] });
        seen.add(key);
      }),
    );
    config.systems.forEach((system, s) =>
      system.rules.forEach((rule, r) => {
        const segments = rule.path.split('/');
        for (const [param, field] of Object.entries(rule.bind?.path ?? {})) {
          const at = segments.indexOf(`:${param}`);
          if (at < 0 || segments.slice(0, at).some((segment) => segment.includes('*') || segment.endsWith('?'))) {
            ctx.addIssue({ code: 'custom', message: `:${param} is not a fixed segment of ${rule.path}`, path: ['systems', s, 'rules', r, 'bind', 'path', param] });
          }
          if (!(field in rule.document)) ctx.addIssue({ code: 'custom', message: `${field} is not a document field`, path: ['systems', s, 'rules', r, 'bind', 'path', param] });
        }
        for (const [param, field] of Object.entries(rule.bind?.query ?? {})) {
          if (!(field in rule.document)) ctx.addIssue({ code: 'custom', message: `${field} is not a document field`, path: ['systems', s, 'rules', r, 'bind', 'query', param] });
        }
      }),
    );
    if (config.injectWidget && !config.systems.some((s) => s.widget)) {
      ctx.addIssue({ code: 'custom', message: 'injectWidget needs widget.pages in at least one system', path: ['injectWidget'] });
    }
  });

export type GateConfig = z.infer<typeof gateConfigSchema>;
export type GateSystem = GateConfig['systems'][number];
export type GateRule = GateSystem['rules'][number];
export type OfficerSource = GateRule['officer'];

/**
 * Rules that let anyone approve as a token officer (issue 17): the officer comes from the query
 * or a posted field, which the client writes, and `tokenOfficers: pass` lets that officer's
 * unsigned approval through. Safe officer sources with `pass` are `session` and a `header` set by
 * the agency's single sign-on.
 */
export function unsafeRules(config: GateConfig): string[] {
  return config.systems.flatMap((system, s) =>
    system.rules.flatMap((rule, r) =>
      ('query' in rule.officer || 'field' in rule.officer) && rule.tokenOfficers.policy === 'pass'
        ? [`systems.${s}.rules.${r} (${rule.id}): the officer comes from the ${'query' in rule.officer ? 'query' : 'posted fields'} and tokenOfficers is "pass": anyone can approve unsigned as a token officer by naming one`]
        : [],
    ),
  );
}

export interface ConfigOptions {
  /** Accept unsafe rules (unsafeRules) with a warning instead of refusing them. */
  allowUnsafe?: boolean;
  warn?: (line: string) => void;
}

/** Parses a gate configuration; throws an Error naming every bad setting (and every unsafe rule unless allowUnsafe). */
export function parseGateConfig(value: unknown, options: ConfigOptions = {}): GateConfig {
  const parsed = gateConfigSchema.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new Error(`Invalid gate configuration:\n${lines.join('\n')}`);
  }
  const unsafe = unsafeRules(parsed.data);
  if (unsafe.length > 0 && !options.allowUnsafe) {
    throw new Error(`Invalid gate configuration:\n${unsafe.map((line) => `  ${line}`).join('\n')}\n  (use a session or header officer, tokenOfficers "refuse" or "require_field", or start with --allow-unsafe)`);
  }
  for (const line of unsafe) (options.warn ?? console.warn)(`WARNING (unsafe gate rule): ${line}`);
  return parsed.data;
}

/**
 * `${NAME}` and `${NAME:-default}` in a gate.json's strings, from the environment (issue 23 item 2:
 * the example's ports follow PORT and ROAMSIGN_GATE_PORT). A name unset and without default is an error.
 */
export function expandEnv(text: string, env: Record<string, string | undefined>): string {
  const missing: string[] = [];
  // Innermost first: a default may itself hold ${NAME:-default}.
  let out = text;
  for (let before = ''; before !== out; ) {
    before = out;
    out = out.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^${}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value.replace(/["\\]/g, '\\$&');
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return '';
    });
  }
  if (missing.length) throw new Error(`Invalid gate configuration:\n  ${missing.map((name) => `\${${name}} is not set and has no default`).join('\n  ')}`);
  return out;
}

/** Reads and parses a gate.json file, its `${NAME:-default}` taken from `env`; `--port` overrides listen.port. */
export function loadGateConfig(file: string, options: ConfigOptions & { env?: Record<string, string | undefined>; port?: number } = {}): GateConfig {
  let json: unknown;
  try {
    json = JSON.parse(expandEnv(fs.readFileSync(file, 'utf8'), options.env ?? process.env));
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith('Invalid gate configuration') ? message : `Invalid gate configuration:\n  ${file}: ${message}`);
  }
  if (options.port !== undefined && typeof json === 'object' && json !== null) {
    const listen = (json as { listen?: Record<string, unknown> }).listen;
    (json as { listen: Record<string, unknown> }).listen = { ...listen, port: options.port };
  }
  return parseGateConfig(json, options);
}

/** The client secret of a system, inline or from the environment. */
export function clientSecretOf(system: GateSystem, env: Record<string, string | undefined> = process.env): string {
  if (system.client.secret !== undefined) return system.client.secret;
  const value = env[system.client.secretEnv!];
  if (!value) throw new Error(`Invalid gate configuration:\n  systems.${system.id}.client.secretEnv: ${system.client.secretEnv} is not set`);
  return value;
}
