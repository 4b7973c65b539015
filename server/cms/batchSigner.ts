import { assembleSignedData, prepareDocument, prepareSigner, type SignerSetup } from './signDetached.js';

export interface CmsBatch {
  /** The DER of each document's signed attributes: what the vault signs. */
  toBeSigned: Uint8Array[];
  /** The detached CMS of each document, given the vault's signatures in the same order. */
  assemble(signatures: Uint8Array[]): Buffer[];
}

function uniqueOffset(haystack: Uint8Array, needle: Uint8Array): number {
  const buffer = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  const first = buffer.indexOf(needle);
  return first >= 0 && buffer.indexOf(needle, first + 1) < 0 ? first : -1;
}

function patched(template: Uint8Array, patches: [offset: number, bytes: Uint8Array][]): Buffer {
  const copy = Buffer.from(template);
  for (const [offset, bytes] of patches) copy.set(bytes, offset);
  return copy;
}

/**
 * Signs many documents with one certificate at one signing time (a batch, "pukal").
 *
 * The first document goes through the ASN.1 library in full. Within one batch every other CMS
 * differs from it only in the 32-byte messageDigest and the fixed-length RSA signature, so the
 * rest are that DER with those two values replaced: byte-identical to what the library would
 * build (a unit test checks this), at a fraction of the cost. Where the first document's values
 * are not unique in its DER, every document goes through the library.
 */
export function createCmsBatch(certificateDer: Uint8Array, signingTime: Date, digests: Uint8Array[]): CmsBatch {
  const first = digests[0];
  if (!first) return { toBeSigned: [], assemble: () => [] };
  const setup: SignerSetup = prepareSigner(certificateDer, signingTime);
  const firstPrepared = prepareDocument(setup, first);
  const digestOffset = uniqueOffset(firstPrepared.toBeSigned, first);
  const prepared =
    digestOffset < 0
      ? digests.map((digest) => prepareDocument(setup, digest))
      : digests.map((digest, i) =>
          i === 0 ? firstPrepared : { attributes: [], toBeSigned: patched(firstPrepared.toBeSigned, [[digestOffset, digest]]) },
        );

  return {
    toBeSigned: prepared.map((p) => p.toBeSigned),
    assemble(signatures) {
      const firstSignature = signatures[0]!;
      const firstCms = assembleSignedData(setup, firstPrepared, firstSignature);
      const cmsDigestOffset = uniqueOffset(firstCms, first);
      const cmsSignatureOffset = uniqueOffset(firstCms, firstSignature);
      const templateUsable =
        digestOffset >= 0 &&
        cmsDigestOffset >= 0 &&
        cmsSignatureOffset >= 0 &&
        signatures.every((s) => s.length === firstSignature.length);
      return signatures.map((signature, i) => {
        if (i === 0) return firstCms;
        if (templateUsable) return patched(firstCms, [[cmsDigestOffset, digests[i]!], [cmsSignatureOffset, signature]]);
        return assembleSignedData(setup, prepareDocument(setup, digests[i]!), signature);
      });
    },
  };
}
