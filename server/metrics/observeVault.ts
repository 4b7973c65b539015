import type { Vault } from '../vault/vault.js';
import type { Metrics } from './metrics.js';

/** The vault's operations (soft or HSM), counted by result; a thrown error is an `error`, a wrong PIN is not. */
export function observeVault(vault: Vault, metrics: Metrics): Vault {
  const count = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      metrics.vaultOperations.inc({ backend: vault.backend, operation, result: 'ok' });
      return result;
    } catch (error) {
      metrics.vaultOperations.inc({ backend: vault.backend, operation, result: 'error' });
      throw error;
    }
  };
  return {
    backend: vault.backend,
    generateKey: (label, algorithm) => count('generate_key', () => vault.generateKey(label, algorithm)),
    sign: (keyRef, items) => count('sign', () => vault.sign(keyRef, items)),
    withCryptoKey: (keyRef, use) => count('ca_key', () => vault.withCryptoKey(keyRef, use)),
    hashPin: (pin) => count('hash_pin', () => vault.hashPin(pin)),
    verifyPin: (pin, verifier) => count('verify_pin', () => vault.verifyPin(pin, verifier)),
    ...(vault.close ? { close: () => vault.close!() } : {}),
  };
}
