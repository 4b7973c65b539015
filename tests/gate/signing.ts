import { documentDigest } from '../../shared/document.js';
import { call, latestOtp } from '../helpers/api.js';
import type { TestServer } from '../helpers/testServices.js';

export interface SignedDocument {
  requestId: string;
  documentId: string;
  /** base64 CMS, as the widget puts it into roamsign_signature. */
  signature: string;
  certificateSerial: string;
}

/**
 * Signs a screen's document fields the way the widget does (canonical bytes of the fields,
 * shared/document.ts), through the real API: create, the OTP from the sandbox outbox, complete.
 */
export async function signFields(server: TestServer, options: { nric: string; pin: string; fields: Record<string, string>; idField: string; system?: string }): Promise<SignedDocument> {
  const documentId = options.fields[options.idField]!;
  const created = await call(server, 'POST', '/api/v1/signing-requests', {
    nric: options.nric,
    system: options.system ?? 'igfmas',
    documents: [{ id: documentId, digest: await documentDigest(options.fields) }],
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const otp = await latestOtp(server, created.body.id, options.nric);
  const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: options.pin, otp });
  if (done.status !== 200) throw new Error(`complete: ${done.status} ${JSON.stringify(done.body)}`);
  const signature = done.body.signatures[0] as { signature: string; certificateSerial: string };
  return { requestId: created.body.id, documentId, signature: signature.signature, certificateSerial: signature.certificateSerial };
}

/** The hidden inputs the widget adds to the approval form. */
export function signatureInputs(signed: SignedDocument): [string, string][] {
  return [
    ['roamsign_request_id', signed.requestId],
    ['roamsign_document_id', signed.documentId],
    ['roamsign_signature', signed.signature],
    ['roamsign_certificate_serial', signed.certificateSerial],
  ];
}
