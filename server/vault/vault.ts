/** Key custody: the one place private keys and PIN verifiers are handled (DESIGN.md "Key custody"). */
export interface Vault {
  readonly backend: 'soft' | 'pkcs11';
  /**
   * Creates a signing key inside the vault (RSA-2048 unless asked for an ECDSA P-256 key, the
   * time-stamping authority's: far cheaper per signature); only its public half leaves.
   */
  generateKey(label: string, algorithm?: KeyAlgorithm): Promise<{ keyRef: string; publicKey: CryptoKey }>;
  /**
   * SHA-256 signatures over each item, with the key unlocked once for the batch: RSASSA-PKCS1-v1_5
   * for an RSA key, ECDSA (DER Ecdsa-Sig-Value, RFC 5480 §2.2.3) for a P-256 key.
   */
  sign(keyRef: string, items: Uint8Array[]): Promise<Uint8Array[]>;
  /**
   * A WebCrypto private key for CA operations (certificate and CRL issuance), held only for `use`,
   * with the WebCrypto that signs with it (node's for the soft vault; the token's for pkcs11): pass
   * it as @peculiar/x509 generators' crypto provider.
   */
  withCryptoKey<T>(keyRef: string, use: (key: CryptoKey, crypto: Crypto) => Promise<T>): Promise<T>;
  /** A salted, peppered verifier of a PIN; computed off the event loop. */
  hashPin(pin: string): Promise<string>;
  /** Constant-time check of a PIN against its verifier. */
  verifyPin(pin: string, verifier: string): Promise<boolean>;
  /** Releases the backend (PKCS#11: closes the sessions and finalises the library). */
  close?(): void;
}

export type KeyAlgorithm = 'rsa-2048' | 'ec-p256';

/** The ECDSA P-256 algorithm of an `ec-p256` key (OpenSSL: ecdsa-with-SHA256). */
export const EC_SIGN_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The RSA signature algorithm every vault key uses (OpenSSL: sha256WithRSAEncryption). */
export const RSA_SIGN_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
} as const;
