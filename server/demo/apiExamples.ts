import crypto from 'node:crypto';
import { DEMO_OFFICERS } from './demoData.js';

// Issue 23 item 14: every operation of /openapi.json (and so /docs' try-it) opens with a body and
// parameters that work against a sandbox: the demo officer Aminah, the sandbox client
// demo-igfmas (secret `sandbox`), and the ids the earlier steps answer with.

const aminah = DEMO_OFFICERS[0]!;
/** The document of README "Sign a document with curl": its SHA-256 is what a system sends. */
export const EXAMPLE_DOCUMENT = 'STH-2026-000123|Baucar Bayaran|12,500.00';
const digest = crypto.createHash('sha256').update(EXAMPLE_DOCUMENT).digest('base64');

export interface OperationExample {
  /** Path and query parameter values. */
  parameters?: Record<string, string>;
  /** The request body, in the operation's (first) content type. */
  body?: unknown;
}

/** Keyed `METHOD /path`, as in the OpenAPI document. */
export const OPERATION_EXAMPLES: Record<string, OperationExample> = {
  'POST /oauth2/token': { body: 'grant_type=client_credentials&client_id=demo-igfmas&client_secret=sandbox&scope=signing' },
  'GET /api/v1/users/{nric}/medium': { parameters: { nric: aminah.nric } },
  'POST /api/v1/signing-requests': {
    body: {
      nric: aminah.nric,
      system: 'igfmas',
      documents: [{ id: 'STH-2026-000123', digest, summary: { title: 'Baucar Bayaran', amount: '12,500.00', currency: 'MYR', payee: 'Syarikat ABC Sdn Bhd' } }],
    },
  },
  'POST /api/v1/signing-requests/{id}/complete': { body: { pin: aminah.pin, otp: '123456' } },
  'POST /api/v1/signing-requests/{id}/complete-passkey': { body: { pin: aminah.pin, credential: {} } },
  'POST /api/v1/verify': { body: { signature: '<the base64 signature from …/complete>', digest } },
  'POST /api/v1/pdfs': { parameters: { nric: aminah.nric, system: 'igfmas', title: 'Baucar Bayaran STH-2026-000123', field: 'Peraku_I' } },
  'POST /api/v1/pdfs/{id}/next': { body: { nric: aminah.nric, title: 'Baucar Bayaran STH-2026-000123', placement: { field: 'Peraku_II' } } },
  'POST /api/v1/approvals': {
    body: {
      rule: 'igfmas-baucar',
      officer: aminah.nric,
      document: { id: 'STH-2026-000123', digest },
      signature: { requestId: 'sr_Qm9vdHN0cmFwcGluZzE', documentId: 'STH-2026-000123', cms: '<the base64 signature from …/complete>' },
      tokenOfficers: { policy: 'refuse' },
      maxAgeSeconds: 600,
    },
  },
  'POST /api/v1/approvals/{approvalId}/release': { parameters: { approvalId: 'ap_Qm9vdHN0cmFwcGluZzE' }, body: { upstream: { status: 502 } } },
  'POST /api/v1/mobile/registrations': { body: { nric: aminah.nric, phone: aminah.phone, platform: 'web', label: 'Telefon Aminah' } },
  'POST /api/v1/mobile/registrations/{id}/confirm': { body: { code: '123456' } },
  'POST /api/v1/mobile/passkeys/options': { body: { pin: aminah.pin } },
  'POST /api/v1/mobile/passkeys': { body: { challengeId: '<challengeId from …/passkeys/options>', name: 'Telefon Aminah', credential: {} } },
  'POST /api/v1/mobile/ack': { body: { pushId: 'push_Qm9vdHN0cmFwcGluZzE' } },
  'GET /api/v1/dev/outbox': { parameters: { to: aminah.nric } },
};

type Parameter = { name: string; in: string; schema?: { example?: unknown }; example?: unknown };
type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, { example?: unknown }> } };

/**
 * Writes the examples into a generated OpenAPI document: a parameter's `example`, and the
 * request body's `example` in its first content type. Operations without an entry keep the
 * schema's own examples.
 */
export function addExamples(document: { paths?: Record<string, Record<string, Operation>> }): void {
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const example = OPERATION_EXAMPLES[`${method.toUpperCase()} ${path}`];
      for (const parameter of operation.parameters ?? []) {
        const value = example?.parameters?.[parameter.name] ?? parameter.schema?.example;
        if (value !== undefined) parameter.example = value;
      }
      const content = operation.requestBody && Object.values(operation.requestBody.content)[0];
      if (content && example?.body !== undefined) content.example = example.body;
    }
  }
}
