import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { RoamSignError } from '../../shared/errors.js';
import { nextPdfSignatureSchema, pdfIdSchema, pdfValidationReportSchema, preparedPdfSchema, preparePdfQuerySchema, type PdfPlacement, type PreparePdfQuery } from '../../shared/schemas/pdf.js';
import { prepareNextSignature, preparedBytes, preparePdf, readPdf, signedPdf, verifyPdf } from '../pdfs/index.js';
import type { Services } from '../services.js';
import { apiRoutes, errorAnswers, jsonAnswer, jsonBody, SECURITY } from './apiRoute.js';
import { callerOf, trustedReporters } from './caller.js';

// PDF signing (issue 25). The PDF travels as itself (application/pdf), never as base64 in JSON:
// a 50 MB voucher stays 50 MB, and the body limit (ROAMSIGN_PDF_MAX_BYTES, 413 past it) bounds it.

const params = z.object({ id: pdfIdSchema.meta({ param: { name: 'id', in: 'path' }, example: 'pdf_Qm9vdHN0cmFwcGluZzEyMw' }) });
const security: Record<string, string[]>[] = [{ [SECURITY.browser]: [] }, { [SECURITY.system]: ['signing'] }];
const tags = ['PDF signing'];
const pdfBody = { required: true, content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } } as const;
const pdfAnswer = (description: string) => ({ description, content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } }) as const;

const prepare = createRoute({
  method: 'post',
  path: '/pdfs',
  tags,
  security,
  summary: 'Upload a PDF: RoamSign adds the officer\'s signature field and stamp and computes the digest of the byte range to sign',
  description:
    'The body is the PDF (Content-Type: application/pdf). The stamp goes into the empty signature field `field`, or into the box `page`, `x`, `y`, `width`, `height` (PDF points), or (neither) an invisible field. Put the answer\'s `document` into POST /api/v1/signing-requests; after PIN + OTP (or passkey) GET /api/v1/pdfs/{id}/signed gives the signed PDF.',
  request: { query: preparePdfQuerySchema, body: pdfBody },
  responses: {
    201: jsonAnswer(preparedPdfSchema, 'prepared; sign its document entry'),
    ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'origin_not_allowed', 'user_not_found', 'medium_not_roaming', 'certificate_revoked', 'payload_too_large'),
  },
});
const next = createRoute({
  method: 'post',
  path: '/pdfs/{id}/next',
  tags,
  security,
  summary: 'The next approver signs over the signed PDF of {id} (Peraku I, Peraku II, Sah): a new revision, earlier signatures kept valid',
  request: { params, body: jsonBody(nextPdfSignatureSchema) },
  responses: {
    201: jsonAnswer(preparedPdfSchema, 'prepared; sign its document entry'),
    ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'origin_not_allowed', 'not_found', 'request_not_pending', 'user_not_found', 'medium_not_roaming', 'certificate_revoked', 'unavailable'),
  },
});
const read = createRoute({
  method: 'get',
  path: '/pdfs/{id}',
  tags,
  security,
  summary: 'Status of a prepared PDF',
  request: { params },
  responses: { 200: jsonAnswer(preparedPdfSchema, 'the PDF'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found') },
});
const prepared = createRoute({
  method: 'get',
  path: '/pdfs/{id}/prepared',
  tags,
  security,
  summary: 'The prepared revision: the exact bytes whose byte range is signed (stamp included)',
  request: { params },
  responses: { 200: pdfAnswer('the prepared PDF'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found') },
});
const signed = createRoute({
  method: 'get',
  path: '/pdfs/{id}/signed',
  tags,
  security,
  summary: 'The signed PDF, once the signing request that named it has signed (409 before)',
  request: { params },
  responses: { 200: pdfAnswer('the signed PDF'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found', 'request_not_pending', 'unavailable') },
});
const verify = createRoute({
  method: 'post',
  path: '/pdfs/verify',
  tags,
  summary: 'Validation report of every signature in a PDF (indication, sub-indication, signer, proven time, level, changes after it)',
  description: 'The body is the PDF (Content-Type: application/pdf). Bytes that are not a PDF are 400 bad_request.',
  request: { body: pdfBody },
  responses: { 200: jsonAnswer(pdfValidationReportSchema, 'the report (valid may be false)'), ...errorAnswers('bad_request', 'payload_too_large') },
});

/** The body as bytes, when it is declared a PDF. */
async function pdfOf(c: Context): Promise<Uint8Array> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/pdf') throw new RoamSignError('bad_request', { 'content-type': 'expected application/pdf' });
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength === 0) throw new RoamSignError('bad_request', { body: 'empty' });
  return bytes;
}

function placementOf(query: PreparePdfQuery): PdfPlacement | undefined {
  const box = [query.page, query.x, query.y, query.width, query.height];
  if (query.field !== undefined && box.some((v) => v !== undefined)) throw new RoamSignError('bad_request', { placement: 'give a field or a box, not both' });
  if (query.field !== undefined) return { field: query.field };
  if (box.every((v) => v === undefined)) return undefined;
  if (box.some((v) => v === undefined)) throw new RoamSignError('bad_request', { placement: 'a box needs page, x, y, width and height' });
  return { page: query.page!, x: query.x!, y: query.y!, width: query.width!, height: query.height! };
}

const pdfHeaders = (name: string) => ({ 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });

/** The signing callers' check (a browser or a system's token) for every PDF route but /pdfs/verify, which anyone may call as /verify. */
export function pdfCallers(signingCallers: MiddlewareHandler): MiddlewareHandler {
  return async (c, next) => (c.req.path.endsWith('/pdfs/verify') ? next() : signingCallers(c, next));
}

export function pdfRoutes(services: Services) {
  const trusted = trustedReporters(services.config);
  const deps = services.pdfs;
  return apiRoutes()
    .openapi(verify, async (c) => c.json(await verifyPdf(deps, await pdfOf(c)), 200))
    .openapi(prepare, async (c) => {
      const query = c.req.valid('query');
      const placement = placementOf(query);
      const pdf = await pdfOf(c);
      const input = { pdf, nric: query.nric, system: query.system, ...(query.title ? { title: query.title } : {}), ...(placement ? { placement } : {}) };
      return c.json(await preparePdf(deps, input, callerOf(c, trusted)), 201);
    })
    .openapi(next, async (c) => c.json(await prepareNextSignature(deps, c.req.valid('param').id, c.req.valid('json'), callerOf(c, trusted)), 201))
    .openapi(read, async (c) => c.json(await readPdf(deps, c.req.valid('param').id, callerOf(c, trusted)), 200))
    .openapi(prepared, async (c) => {
      const { id } = c.req.valid('param');
      return c.body(new Uint8Array(await preparedBytes(deps, id, callerOf(c, trusted))), 200, pdfHeaders(`${id}-prepared.pdf`));
    })
    .openapi(signed, async (c) => {
      const { id } = c.req.valid('param');
      return c.body(new Uint8Array(await signedPdf(deps, id, callerOf(c, trusted))), 200, pdfHeaders(`${id}-signed.pdf`));
    });
}
