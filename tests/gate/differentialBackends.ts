import http from 'node:http';
import type { AddressInfo } from 'node:net';
import bodyParser from 'body-parser';
import express from 'express';

// Three legacy back ends that read a request the common ways, for the gate's differential test
// (issue 17). Each acts on `/doc/:docNo/approve` when it reads `tindakan` as `sah`, and records
// what it acted on: the document its URL names, the fields it read, and the approval header it saw.

/** The differential test's fast-check seed and run count (fixed: a failure is reproduced by running it again); the bench prints them. */
export const DIFFERENTIAL_SEED = 17_017;
export const DIFFERENTIAL_RUNS = 60;

export interface Acted {
  backend: string;
  /** The document the URL names, as this back end routes it. */
  docNo: string;
  /** The document fields as this back end reads them (one value each). */
  fields: Record<string, string>;
  /** The X-RoamSign-Approval header as this back end reads it (CGI-style names for the raw one). */
  approval: string | null;
}

export interface DifferentialBackend {
  name: string;
  url: string;
  acted: Acted[];
  close(): Promise<void>;
}

export const DOCUMENT_FIELDS = ['noDokumen', 'tarikh', 'vendor', 'amaun', 'keterangan'] as const;

async function listen(name: string, server: http.Server, acted: Acted[]): Promise<DifferentialBackend> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    acted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Express 5 with body-parser (urlencoded, JSON; it inflates gzip and deflate and honours the charset), the JavaScript way: trim() and toLowerCase(). */
export async function startExpressBackend(): Promise<DifferentialBackend> {
  const acted: Acted[] = [];
  const app = express();
  app.use(bodyParser.urlencoded({ extended: false }), bodyParser.json({ strict: false }));
  app.all('/doc/:docNo/approve', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const first = (v: unknown) => (Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v));
    const marks = ([] as unknown[]).concat(body.tindakan ?? [], req.query.tindakan ?? []).map(String);
    if (!marks.some((m) => m.trim().toLowerCase() === 'sah')) return void res.status(200).send('bukan kelulusan');
    const fields = Object.fromEntries(DOCUMENT_FIELDS.map((f) => [f, first(body[f]) ?? '']));
    acted.push({ backend: 'express', docNo: req.params.docNo!, fields, approval: req.get('x-roamsign-approval') ?? null });
    res.status(200).send('diluluskan');
  });
  // A bad body is the back end's 400, as body-parser answers it.
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(400).send('tidak sah'));
  return listen('express', http.createServer(app), acted);
}

/** Java's trim(): every char <= U+0020 at the ends. */
const javaTrim = (s: string) => s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
/** Java's equalsIgnoreCase, char by char. */
function javaEqualsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && x.toUpperCase() !== y.toUpperCase() && x.toLowerCase() !== y.toLowerCase()) return false;
  }
  return true;
}
/** Lenient percent-decoding (an invalid escape stays as it is), `+` a space. */
function lenientDecode(s: string, latin1: boolean): string {
  const bytes: number[] = [];
  const text = s.replace(/\+/g, ' ');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString(latin1 ? 'latin1' : 'utf8');
}

/**
 * A servlet / PHP-like raw parser: `;` path parameters dropped, each segment decoded, case-blind
 * routing; query and body parameters split on `&` and `;`, first key wins (getParameter), the
 * query first; no charset but ISO-8859-1 honoured, no decompression; Java's trim() and
 * equalsIgnoreCase on the marker; headers read the CGI way (HTTP_X_ROAMSIGN_APPROVAL).
 */
export async function startServletBackend(): Promise<DifferentialBackend> {
  const acted: Acted[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = req.url ?? '/';
      const [path, query = ''] = raw.split(/\?(.*)/s);
      const segments = path!.split('/').filter((s) => s !== '').map((s) => lenientDecode(s.split(';')[0]!, false));
      if (segments.length !== 3 || segments[0]!.toLowerCase() !== 'doc' || segments[2]!.toLowerCase() !== 'approve') return void res.writeHead(404).end();
      const type = req.headers['content-type'] ?? '';
      const latin1 = /charset=\s*"?iso-8859-1/i.test(type);
      const params = new Map<string, string>();
      const addAll = (text: string) => {
        for (const pair of text.split(/[&;]/)) {
          if (pair === '') continue;
          const eq = pair.indexOf('=');
          const name = lenientDecode(eq < 0 ? pair : pair.slice(0, eq), latin1);
          if (!params.has(name)) params.set(name, lenientDecode(eq < 0 ? '' : pair.slice(eq + 1), latin1));
        }
      };
      addAll(query);
      if (/^application\/x-www-form-urlencoded/i.test(type)) addAll(Buffer.concat(chunks).toString('latin1'));
      const mark = params.get('tindakan');
      if (mark === undefined || !javaEqualsIgnoreCase(javaTrim(mark), 'sah')) return void res.writeHead(200).end('bukan kelulusan');
      // CGI: HTTP_ + the name upper-cased, '-' as '_': X_RoamSign_Approval and X-RoamSign-Approval are one; the first wins.
      let approval: string | null = null;
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (approval === null && req.rawHeaders[i]!.toUpperCase().replace(/-/g, '_') === 'X_ROAMSIGN_APPROVAL') approval = req.rawHeaders[i + 1]!;
      }
      const fields = Object.fromEntries(DOCUMENT_FIELDS.map((f) => [f, params.get(f) ?? '']));
      acted.push({ backend: 'servlet', docNo: segments[1]!, fields, approval });
      res.writeHead(200).end('diluluskan');
    });
  });
  return listen('servlet', server, acted);
}

/** A JSON parser where the first of two equal keys wins (as some streaming parsers do); otherwise JSON.parse's reading. */
export function parseJsonFirstKeyWins(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') return i++, out;
      for (;;) {
        ws();
        const key = value() as string;
        ws();
        if (text[i++] !== ':') throw new Error('json');
        const v = value();
        if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = v;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, out;
        else throw new Error('json');
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, out;
        else throw new Error('json');
      }
    }
    const m = /^(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) throw new Error('json');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const out = value();
  ws();
  if (i !== text.length) throw new Error('json');
  return out;
}

/** A JSON back end with a first-key-wins parser, Express-style routing (a decoded %2F stays in :docNo), no charset, no decompression. */
export async function startJsonBackend(): Promise<DifferentialBackend> {
  const acted: Acted[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const m = /^\/doc\/([^/]+)\/approve\/?$/i.exec(path);
      if (!m) return void res.writeHead(404).end();
      let body: unknown;
      try {
        body = parseJsonFirstKeyWins(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return void res.writeHead(400).end('tidak sah');
      }
      if (body === null || typeof body !== 'object') return void res.writeHead(400).end('tidak sah');
      const b = body as Record<string, unknown>;
      if (typeof b.tindakan !== 'string' || b.tindakan.trim().toLowerCase() !== 'sah') return void res.writeHead(200).end('bukan kelulusan');
      let docNo: string;
      try {
        docNo = decodeURIComponent(m[1]!);
      } catch {
        return void res.writeHead(400).end();
      }
      const fields = Object.fromEntries(DOCUMENT_FIELDS.map((f) => [f, b[f] === undefined ? '' : String(b[f])]));
      const header = req.headers['x-roamsign-approval'];
      acted.push({ backend: 'json', docNo, fields, approval: typeof header === 'string' ? header : null });
      res.writeHead(200).end('diluluskan');
    });
  });
  return listen('json', server, acted);
}
