import { OctetString } from '@peculiar/asn1-schema';
import { MessageImprint } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { OID } from '../cms/oids.js';
import type { TimeStampAuthority } from './timeStampAuthority.js';
import { httpTimeStampSupplier, type TimeStampSupplier } from './timeStampClient.js';

/** External TSAs answer over HTTP: this many queries of one batch in flight at once. */
const HTTP_WINDOW = 8;

/**
 * The one time-stamp source of a RoamSign server, for CMS (CAdES B-T) and PDF (PAdES) signatures
 * alike: the embedded TSA, or an external one (ROAMSIGN_TSA_URL). `trusted` is what a verifier
 * trusts for its tokens (the RoamSign CA, or the external TSA's trust file).
 */
export interface TimeStamper {
  source: 'embedded' | 'external';
  trusted: Uint8Array[];
  /** One RFC 3161 token per SHA-256 digest, in order; throws when the TSA gives none. */
  stamp(digests: Uint8Array[]): Promise<Buffer[]>;
  /** The same, one digest at a time (the PAdES engine's supplier). */
  supplier: TimeStampSupplier;
}

function sha256Imprint(digest: Uint8Array): MessageImprint {
  return new MessageImprint({ hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256, parameters: null }), hashedMessage: new OctetString(digest) });
}

/** The embedded TSA: a batch of digests is one vault call (P-256), no network. */
export function embeddedTimeStamper(tsa: TimeStampAuthority, trusted: Uint8Array[]): TimeStamper {
  const stamp = (digests: Uint8Array[]) => tsa.issue(digests.map((digest) => ({ imprint: sha256Imprint(digest), certReq: true })));
  return { source: 'embedded', trusted, stamp, supplier: async (digest) => (await stamp([digest]))[0]! };
}

/** An external RFC 3161 TSA over HTTP: one query per digest (a nonce each), a few at a time. */
export function httpTimeStamper(options: { url: string; credentials?: string; trusted: Uint8Array[]; timeoutMs?: number }): TimeStamper {
  const supplier = httpTimeStampSupplier(options);
  return {
    source: 'external',
    trusted: options.trusted,
    supplier,
    async stamp(digests) {
      const tokens: Buffer[] = new Array(digests.length);
      let next = 0;
      const lane = async () => {
        while (next < digests.length) {
          const i = next++;
          tokens[i] = Buffer.from(await supplier(digests[i]!));
        }
      };
      await Promise.all(Array.from({ length: Math.min(HTTP_WINDOW, digests.length) }, lane));
      return tokens;
    },
  };
}
