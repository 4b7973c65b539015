import fc from 'fast-check';

// Generated HTTP requests for the route fuzzer: every route the app registers, with parameters,
// query strings, headers, cookies and bodies that are sometimes right, often nearly right, and
// sometimes nonsense.

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array<ArrayBuffer> | undefined;
}

/** What the fuzzer knows of the running server: real ids and secrets, so requests get past the first checks. */
export interface Known {
  origin: string;
  pendingId: string;
  signedId: string;
  challengeId: string;
  signature: string;
  digest: string;
  officerCookie: string;
  officerCsrf: string;
  adminCookie: string;
  adminCsrf: string;
  applicationId: string;
}

const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '%', '%zz', '%00', '%ff%fe', '..', '../..', '\\', '<script>', "'", '"', 'null', 'undefined', '__proto__', 'constructor', '-1', '1e309', 'NaN', '٣', '𝟗'),
  fc.integer().map(String),
  fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** A value for a path parameter or query value: the right kind of thing, or junk. */
function valueFor(name: string, known: Known): fc.Arbitrary<string> {
  const good: Record<string, string[]> = {
    id: [known.pendingId, known.signedId, known.challengeId, known.applicationId, 'sr_AAAAAAAAAAAAAAAAAAAAAA', 'ch_AAAAAAAAAAAAAAAAAAAA'],
    nric: ['900101011234', '880202025678', '750303039999', '900101-01-1234', '111111111111'],
    docNo: ['STH-2026-000123', 'STH-2026-999999'],
    noBaucer: ['BB-2026-000101', 'BJ-2026-000201'],
    to: ['900101011234', 'aminah@anm.gov.my'],
    system: ['igfmas', 'eperolehan', 'speks'],
    lang: ['en', 'ms'],
    token: [known.challengeId, 'a'.repeat(43)],
  };
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(Object.hasOwn(good, name) ? good[name]! : ['1'])) }, { weight: 2, arbitrary: junk });
}

/** Percent-encodes what a URL cannot carry, but sometimes leaves a raw or broken escape in. */
function inPath(value: string, raw: boolean): string {
  return raw ? value.replace(/[\s#?/]/g, (c) => encodeURIComponent(c)) : encodeURIComponent(value);
}

function pathFor(template: string, known: Known): fc.Arbitrary<string> {
  const names = [...template.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const values = fc.tuple(...names.map((name) => fc.tuple(valueFor(name, known), fc.boolean())));
  return values.map((filled) => {
    let i = 0;
    return template.replace(/:(\w+)/g, () => {
      const [value, raw] = filled[i++]!;
      return inPath(value, raw) || 'x';
    });
  });
}

const QUERY_KEYS = ['to', 'token', 'system', 'lang', 'widget', 'user', 'nric', 'ended', 'ok', 'csp', 'id', '__proto__', 'a[b]'];

function queryFor(known: Known): fc.Arbitrary<string> {
  const pair = fc
    .tuple(fc.constantFrom(...QUERY_KEYS), fc.boolean())
    .chain(([key, encode]) => valueFor(key, known).map((value) => `${encodeURIComponent(key)}=${encode ? encodeURIComponent(value) : value.replace(/[#\s&]/g, '')}`));
  return fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.join('&')}`) });
}

/** A JSON value where one field of a valid body is replaced, removed, or joined by another. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.constant(valid),
    fc.tuple(fc.constantFrom(...keys), fc.anything({ maxDepth: 2 })).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc.tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })).map(([key, value]) => ({ ...valid, [key]: value })),
  );
}

/** The real signature with bytes changed, cut, or added: the kind of CMS a hostile caller sends. */
function editedSignature(known: Known): fc.Arbitrary<string> {
  const der = Buffer.from(known.signature, 'base64');
  const edit = fc.oneof(
    fc.array(fc.tuple(fc.nat({ max: der.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
      const bytes = Buffer.from(der);
      for (const [at, value] of edits) bytes[at] = value;
      return bytes;
    }),
    fc.nat({ max: der.length }).map((end) => der.subarray(0, end)),
    fc.tuple(fc.nat({ max: der.length }), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, extra]) => Buffer.concat([der.subarray(0, at), extra, der.subarray(at)])),
  );
  return edit.map((bytes) => Buffer.from(bytes).toString('base64'));
}

/** A JSON body meant for the route, then perhaps broken a little. */
function jsonBodyFor(path: string, known: Known): fc.Arbitrary<string> {
  const document = { id: 'STH-2026-000123', digest: known.digest, summary: { title: 'Baucar', amount: '12,500.00', currency: 'MYR', payee: 'Syarikat ABC' } };
  const valid: Record<string, unknown> | null = path.endsWith('/signing-requests')
    ? { nric: '900101011234', system: 'igfmas', documents: [document] }
    : path.endsWith('/complete')
      ? { pin: '123456', otp: '123456' }
      : path.endsWith('/verify')
        ? { signature: known.signature, digest: known.digest }
        : path.endsWith('/registrations')
          ? { nric: '880202025678', phone: '+60123456702', platform: 'web', label: 'Telefon' }
          : path.endsWith('/confirm')
            ? { code: '123456' }
            : path.endsWith('/ack')
              ? { pushId: 'push_AAAAAAAAAAAAAAAA' }
              : null;
  if (!valid) return jsonBodies(known);
  const shaped = fc.constant(valid).chain(mutated).map((v) => JSON.stringify(v) ?? 'null');
  if (!path.endsWith('/verify')) return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: jsonBodies(known) });
  return fc.oneof(
    { weight: 2, arbitrary: shaped },
    { weight: 4, arbitrary: fc.tuple(editedSignature(known), fc.boolean()).map(([signature, withContent]) => JSON.stringify(withContent ? { signature, content: 'ZG9jdW1lbnQ=' } : { signature, digest: known.digest })) },
  );
}

function jsonBodies(known: Known): fc.Arbitrary<string> {
  const document = { id: 'STH-2026-000123', digest: known.digest, summary: { title: 'Baucar', amount: '12,500.00', currency: 'MYR', payee: 'Syarikat ABC' } };
  const valid: Record<string, unknown>[] = [
    { nric: '900101011234', system: 'igfmas', documents: [document] },
    { pin: '123456', otp: '123456' },
    { signature: known.signature, digest: known.digest },
    { signature: known.signature, content: Buffer.from('document').toString('base64') },
    { nric: '900101011234', phone: '+60123456701', platform: 'web', label: 'Telefon' },
    { code: '123456' },
    { pushId: 'push_AAAAAAAAAAAAAAAA' },
  ];
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...valid).chain(mutated).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"nric":', '[]', 'null', '"x"', '1', '{"__proto__":{"x":1}}', '{"a":' + '['.repeat(5000)) },
  );
}

/** Plausible values of the portal's and demo screens' form fields. */
const GOOD_FIELDS: Record<string, string[]> = {
  nric: ['900101011234', '880202025678', '750303039999', '910101015555', '900101-01-1234'],
  code: ['123456', '000000'],
  pin: ['135790', '123456', '111111'],
  pinConfirm: ['135790', '123456'],
  oldPin: ['654321', '123456'],
  email: ['pegawai@anm.gov.my', 'not-an-email'],
  phone: ['+60123456789', '012-345 6701'],
  officeAddress: ['Jabatan Akauntan Negara, Putrajaya 62594', 'x'],
  system: ['igfmas', 'eperolehan', 'speks', 'sap'],
  declaration: ['yes'],
  name: ['Siti binti Ahmad'],
  agency: ['1009', '9999'],
  accountingOffice: ['1009'],
  kind: ['transfer', 'retirement', 'end_of_role', 'promotion'],
  effectiveDate: ['2026-12-31', '2026-02-30', '2020-01-01', '9999-12-31T99:99'],
  toAgency: ['1009', ''],
  reason: ['keyCompromise', 'superseded', 'tidak lengkap', ''],
  role: ['sap', 'sa', 'ap', 'admin', 'root'],
  csv: ['nric,name,email,agency,accounting_office,system\n910101015555,Siti,siti@anm.gov.my,1009,1009,igfmas\n', 'nric\n1'],
  password: ['correct horse battery staple', ''],
  roamsign_signature: ['MIIB'],
  roamsign_request_id: ['sr_AAAAAAAAAAAAAAAAAAAAAA'],
};

const FORM_FIELDS = ['nric', 'code', 'challengeId', 'pin', 'pinConfirm', 'oldPin', 'email', 'phone', 'officeAddress', 'system', 'declaration', 'name', 'agency', 'accountingOffice', 'kind', 'effectiveDate', 'toAgency', 'reason', 'role', 'csv', 'password', '_csrf', 'roamsign_signature', '__proto__'];

function formFields(known: Known, csrf: string): fc.Arbitrary<[string, string][]> {
  const value = (name: string): fc.Arbitrary<string> => {
    if (name === '_csrf') return fc.oneof({ weight: 4, arbitrary: fc.constant(csrf) }, { weight: 1, arbitrary: junk });
    if (name === 'challengeId') return fc.oneof({ weight: 4, arbitrary: fc.constant(known.challengeId) }, { weight: 1, arbitrary: junk });
    const good = Object.hasOwn(GOOD_FIELDS, name) ? GOOD_FIELDS[name]! : ['1'];
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: junk });
  };
  const field = fc.constantFrom(...FORM_FIELDS).chain((name) => value(name).map((v) => [name, v] as [string, string]));
  // A form a page would post: its CSRF token and several fields, in any order.
  return fc.tuple(value('_csrf'), fc.array(field, { maxLength: 10 })).map(([token, fields]) => [['_csrf', token] as [string, string], ...fields]);
}

function multipart(fields: [string, string][], boundary: string, cut: boolean): string {
  const body = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${name === 'file' ? '; filename="a.csv"' : ''}\r\n\r\n${value}\r\n`).join('') + `--${boundary}--\r\n`;
  return cut ? body.slice(0, Math.max(1, body.length >> 1)) : body;
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=latin1', 'multipart/form-data; boundary=B0und', 'multipart/form-data', 'text/plain', 'application/xml', ';;;', 'application/json; charset=utf-16'];

/**
 * A request as a well-behaved client would shape it for the route (right method, content type,
 * Origin, session and CSRF token, a body meant for it), with values that may still be wrong: these
 * get past the first checks and into the handlers.
 */
function shapedRequest(templates: { method: string; path: string }[], known: Known): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...templates.filter((t) => t.method === 'GET' || t.method === 'POST' || t.method === 'DELETE')).chain((route) => {
    const admin = route.path.startsWith('/portal/admin');
    const portal = route.path.startsWith('/portal');
    const form = portal || route.path.startsWith('/demo');
    const csrf = admin ? known.adminCsrf : known.officerCsrf;
    return fc
      .record({
        path: pathFor(route.path, known),
        query: queryFor(known),
        signedIn: fc.boolean(),
        multipart: fc.boolean(),
        cut: fc.integer({ min: 0, max: 9 }),
        fields: formFields(known, csrf),
        json: jsonBodyFor(route.path, known),
        mobileToken: fc.boolean(),
      })
      .map(({ path, query, signedIn, multipart: asMultipart, cut, fields, json, mobileToken }): FuzzRequest => {
        const headers: Record<string, string> = {};
        if (route.method === 'POST' || portal) headers['origin'] = known.origin;
        // Signing out would end the sessions every later request relies on.
        if (portal && signedIn && !route.path.endsWith('/sign-out')) headers['cookie'] = admin ? known.adminCookie : known.officerCookie;
        if (mobileToken) headers['authorization'] = `Bearer ${known.challengeId}xyz`;
        let body: FuzzRequest['body'];
        if (route.method === 'POST') {
          if (form && asMultipart) {
            headers['content-type'] = 'multipart/form-data; boundary=B0und';
            body = multipart(fields, 'B0und', cut === 0);
          } else if (form) {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            body = new URLSearchParams(fields).toString();
          } else {
            headers['content-type'] = 'application/json';
            body = json;
          }
        }
        return { method: route.method, path: `${path}${query}`, headers, body };
      });
  });
}

/** Anything at all against the routes: odd methods, content types, origins, cookies and bodies. */
function chaoticRequest(templates: { method: string; path: string }[], known: Known): fc.Arbitrary<FuzzRequest> {
  const route = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...templates) },
    { weight: 1, arbitrary: fc.record({ method: fc.constant('GET'), path: fc.array(junk, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.map((p) => inPath(p, false)).join('/')}`) }) },
  );
  const method = (declared: string) => fc.oneof({ weight: 8, arbitrary: fc.constant(declared) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') });
  const session = fc.constantFrom('none', 'officer', 'admin', 'junk');
  return fc
    .record({
      route,
      session,
      contentType: fc.oneof({ weight: 3, arbitrary: fc.constant<string | null>(null) }, { weight: 6, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      origin: fc.constantFrom<string | null>(null, known.origin, known.origin, 'http://127.0.0.1:9', 'https://evil.example', 'null', 'not an origin', 'chrome-extension://apgnnmbkeccagmehfmhgimbpilbhclid'),
      pageOrigin: fc.constantFrom<string | null>(null, null, null, 'https://igfmas.anm.gov.my', 'javascript:alert(1)', ''),
      language: fc.constantFrom<string | null>(null, 'en', 'ms', 'en-GB,en;q=0.9', '*', '\u00ff'),
      authorization: fc.constantFrom<string | null>(null, null, 'Bearer ' + 'a'.repeat(43), 'Bearer', 'Basic Zm9vOmJhcg==', 'Bearer \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'),
      json: jsonBodies(known),
      fields: fc.constantFrom(known.officerCsrf, known.adminCsrf).chain((csrf) => formFields(known, csrf)),
      cut: fc.boolean(),
      bytes: fc.uint8Array({ maxLength: 200 }),
    })
    .chain((r) =>
      fc.record({ method: method(r.route.method), path: pathFor(r.route.path, known), query: queryFor(known) }).map(({ method: m, path, query }): FuzzRequest => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.origin) headers['origin'] = r.origin;
        if (r.pageOrigin !== null) headers['x-roamsign-page-origin'] = r.pageOrigin;
        if (r.language) headers['accept-language'] = r.language;
        if (r.authorization) headers['authorization'] = r.authorization;
        const signOut = path.includes('sign-out');
        if (r.session === 'officer' && !signOut) headers['cookie'] = known.officerCookie;
        if (r.session === 'admin' && !signOut) headers['cookie'] = known.adminCookie;
        if (r.session === 'junk') headers['cookie'] = 'rs_session=%%%; rs_lang=en';
        let body: FuzzRequest['body'];
        if (m !== 'GET' && m !== 'HEAD') {
          const type = r.contentType ?? '';
          if (type.includes('json')) body = r.json;
          else if (type.startsWith('application/x-www-form-urlencoded')) body = new URLSearchParams(r.fields).toString();
          else if (type.startsWith('multipart/')) body = multipart(r.fields, 'B0und', r.cut);
          else body = r.cut ? r.json : new Uint8Array(r.bytes);
        }
        return { method: m, path: `${path}${query}`, headers, body };
      }),
    );
}

/** One generated request: half shaped for its route, half chaos. */
export function fuzzRequest(templates: { method: string; path: string }[], known: Known): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(shapedRequest(templates, known), chaoticRequest(templates, known));
}
