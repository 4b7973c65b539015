import crypto from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, PKIStatus, TimeStampReq, TimeStampResp, TSTInfo } from '@peculiar/asn1-tsp';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { OID } from '../cms/oids.js';
import type { TimeStampSupplier } from '../pdf/inputs.js';

export type { TimeStampSupplier };

/** A time-stamp authority did not give a usable token. */
export class TimeStampError extends Error {}

/** The TSTInfo inside a TimeStampToken (RFC 3161 §2.4.2). */
export function tstInfoOf(tokenDer: Uint8Array): TSTInfo {
  const signedData = AsnConvert.parse(AsnConvert.parse(tokenDer, ContentInfo).content, SignedData);
  if (signedData.encapContentInfo.eContentType !== OID.tstInfo) throw new TimeStampError('token does not hold a TSTInfo');
  const content = signedData.encapContentInfo.eContent;
  const octets = content?.single ?? content?.any;
  if (!octets) throw new TimeStampError('token has no TSTInfo');
  return AsnConvert.parse(octets instanceof OctetString ? octets.buffer : octets, TSTInfo);
}

/**
 * An RFC 3161 client over HTTP (§3.4): POSTs a TimeStampReq (SHA-256 imprint, a random nonce,
 * certReq so the token carries the TSA certificate) as application/timestamp-query and checks the
 * answer: status granted, and the token's imprint and nonce are the ones asked for. `credentials`
 * ("user:password") go as HTTP Basic authentication, as commercial TSAs ask; never logged.
 */
export function httpTimeStampSupplier(options: { url: string; credentials?: string; timeoutMs?: number; fetch?: typeof fetch }): TimeStampSupplier {
  const doFetch = options.fetch ?? fetch;
  const authorization: Record<string, string> = options.credentials ? { Authorization: `Basic ${Buffer.from(options.credentials, 'utf8').toString('base64')}` } : {};
  return async (digest) => {
    const nonce = crypto.randomBytes(8);
    nonce[0] = (nonce[0]! & 0x3f) | 0x40; // a positive INTEGER with no leading zero byte, so it echoes unchanged
    const request = new TimeStampReq({
      messageImprint: new MessageImprint({ hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256, parameters: null }), hashedMessage: new OctetString(digest) }),
      nonce: new Uint8Array(nonce).buffer,
      certReq: true,
    });
    let answer: Response;
    try {
      answer = await doFetch(options.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/timestamp-query', ...authorization },
        body: Buffer.from(AsnConvert.serialize(request)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new TimeStampError('time-stamp authority unreachable', { cause: error });
    }
    if (!answer.ok) throw new TimeStampError(`time-stamp authority answered HTTP ${answer.status}`);
    let response: TimeStampResp;
    try {
      response = AsnConvert.parse(new Uint8Array(await answer.arrayBuffer()), TimeStampResp);
    } catch (error) {
      throw new TimeStampError('time-stamp answer is not a TimeStampResp', { cause: error });
    }
    // RFC 3161 §2.4.2: granted (0) or grantedWithMods (1) carry a token.
    if (response.status.status !== PKIStatus.granted && response.status.status !== PKIStatus.grantedWithMods) {
      throw new TimeStampError(`time-stamp refused (status ${response.status.status})`);
    }
    if (!response.timeStampToken) throw new TimeStampError('time-stamp answer has no token');
    const token = Buffer.from(AsnConvert.serialize(response.timeStampToken));
    const info = tstInfoOf(token);
    if (!Buffer.from(info.messageImprint.hashedMessage.buffer).equals(Buffer.from(digest))) throw new TimeStampError('token covers another digest');
    if (!info.nonce || !Buffer.from(info.nonce).equals(nonce)) throw new TimeStampError('token does not echo the nonce');
    return token;
  };
}
