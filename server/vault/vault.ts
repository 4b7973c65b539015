/** Key custody: the one place private keys and PIN verifiers are handled (DESIGN.md "Key custody"). */
export interface Vault {
  readonly backend: 'soft' | 'pkcs11';
  /** Creates an RSA-2048 signing key inside the vault; only its public half leaves. */
  generateKey(label: string): Promise<{ keyRef: string; publicKey: CryptoKey }>;
  /** RSASSA-PKCS1-v1_5 / SHA-256 signatures over each item, with the key unlocked once for the batch. */
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

/** The RSA signature algorithm every vault key uses (OpenSSL: sha256WithRSAEncryption). */
export const RSA_SIGN_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
} as const;
