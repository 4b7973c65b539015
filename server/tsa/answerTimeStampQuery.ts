import { AsnConvert } from '@peculiar/asn1-schema';
import { PKIFailureInfo, PKIFreeText, PKIStatus, PKIStatusInfo, TimeStampReq, TimeStampResp } from '@peculiar/asn1-tsp';
import { ContentInfo } from '@peculiar/asn1-cms';
import * as asn1js from 'asn1js';
import type { TimeStampAuthority } from './timeStampAuthority.js';

/** Hash algorithms accepted in a query, with their digest length (RFC 3161 §2.4.1: the TSA checks it). */
const HASHES: Record<string, number> = {
  '2.16.840.1.101.3.4.2.1': 32, // SHA-256
  '2.16.840.1.101.3.4.2.2': 48, // SHA-384
  '2.16.840.1.101.3.4.2.3': 64, // SHA-512
};

/** RFC 3161 §2.4.2 PKIFailureInfo: the bit each failure names. */
const FAILURE_BITS = { badAlg: 0, badDataFormat: 5, unacceptedPolicy: 15, unacceptedExtension: 16 } as const;
type Failure = keyof typeof FAILURE_BITS;

export type TimeStampAnswer = { granted: true; reply: Buffer } | { granted: false; reply: Buffer; failure: Failure };

/** A DER named BIT STRING with one bit set: bit 0 is the first byte's high bit; no trailing zero bits. */
function oneBit(bit: number): PKIFailureInfo {
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[bytes.length - 1] = 0x80 >> bit % 8;
  return new PKIFailureInfo(bytes, 7 - (bit % 8));
}

function rejection(failure: Failure, text: string): TimeStampAnswer {
  const status = new PKIStatusInfo({
    status: PKIStatus.rejection,
    statusString: new PKIFreeText([text]),
    failInfo: oneBit(FAILURE_BITS[failure]),
  });
  return { granted: false, failure, reply: Buffer.from(AsnConvert.serialize(new TimeStampResp({ status }))) };
}

/**
 * Answers one RFC 3161 TimeStampReq (DER) with a TimeStampResp (§2.4.2). Refused with status
 * rejection and the failure named: bytes that are not one DER TimeStampReq v1 (badDataFormat), a
 * hash other than SHA-256/384/512 or an imprint of the wrong length (badAlg), a policy other than
 * ours (unacceptedPolicy), any extension (unacceptedExtension).
 */
export async function answerTimeStampQuery(tsa: TimeStampAuthority, query: Uint8Array): Promise<TimeStampAnswer> {
  let request: TimeStampReq;
  try {
    const parsed = asn1js.fromBER(query);
    if (parsed.offset !== query.byteLength || parsed.offset <= 0) return rejection('badDataFormat', 'not one DER TimeStampReq');
    request = AsnConvert.parse(query, TimeStampReq);
  } catch {
    return rejection('badDataFormat', 'not a TimeStampReq');
  }
  if (request.version !== 1) return rejection('badDataFormat', 'version must be 1');
  const length = HASHES[request.messageImprint.hashAlgorithm.algorithm];
  if (!length) return rejection('badAlg', 'hash algorithm not accepted (SHA-256, SHA-384, SHA-512)');
  if (request.messageImprint.hashedMessage.byteLength !== length) return rejection('badAlg', 'imprint length does not match its hash algorithm');
  if (request.reqPolicy !== undefined && request.reqPolicy !== tsa.policy) return rejection('unacceptedPolicy', `policy not offered (this TSA: ${tsa.policy})`);
  if (request.extensions?.length) return rejection('unacceptedExtension', 'no extension is supported');
  // The imprint goes into the token as asked (§2.4.2: "the same value as the similar field in TimeStampReq").
  const [token] = await tsa.issue([{ imprint: request.messageImprint, certReq: request.certReq, ...(request.nonce ? { nonce: request.nonce } : {}) }]);
  const reply = new TimeStampResp({ status: new PKIStatusInfo({ status: PKIStatus.granted }), timeStampToken: AsnConvert.parse(token!, ContentInfo) });
  return { granted: true, reply: Buffer.from(AsnConvert.serialize(reply)) };
}
