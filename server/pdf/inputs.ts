/**
 * The pluggable inputs of PAdES levels above B-B (ETSI EN 319 142-1 §6.3):
 * - B-T: a time-stamp token over the signature value (a signature time-stamp);
 * - B-LT: the validation data written into the /DSS dictionary;
 * - B-LTA: a time-stamp token over the whole file (a document time-stamp, SubFilter ETSI.RFC3161).
 */

/** Gives an RFC 3161 TimeStampToken (DER ContentInfo) whose message imprint is this SHA-256 digest. */
export type TimeStampSupplier = (digest: Uint8Array) => Promise<Uint8Array>;

/** Certificates, CRLs and OCSP responses (each DER) that let a verifier validate without fetching anything. */
export interface ValidationData {
  certificates: Uint8Array[];
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
}

/** PAdES baseline levels RoamSign writes and reports (ETSI EN 319 142-1 §6). */
export const PADES_LEVELS = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type PadesLevel = (typeof PADES_LEVELS)[number];
