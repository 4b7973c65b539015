import type { PasskeyOffer } from '../../shared/schemas/passkey.js';

// The WebAuthn ceremony of the dialog (issue 11), with navigator.credentials directly: the JSON
// shapes are @simplewebauthn's (PublicKeyCredentialRequestOptionsJSON in, AuthenticationResponseJSON
// out), without its bundle, so the dialog stays within its 20 KB budget.

const fromB64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const toB64u = (b: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Asks the browser for an assertion for `options`; throws when the officer cancels or nothing answers. */
export async function getAssertion(options: NonNullable<PasskeyOffer['options']>): Promise<unknown> {
  const credential = (await navigator.credentials.get({
    publicKey: {
      challenge: fromB64u(options.challenge),
      rpId: options.rpId,
      ...(options.timeout ? { timeout: options.timeout } : {}),
      userVerification: 'required',
      allowCredentials: options.allowCredentials.map((c) => ({ id: fromB64u(c.id), type: 'public-key' as const, transports: (c.transports ?? []) as AuthenticatorTransport[] })),
    },
  })) as PublicKeyCredential | null;
  if (!credential) throw new Error('no credential');
  const r = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: toB64u(credential.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: toB64u(r.clientDataJSON),
      authenticatorData: toB64u(r.authenticatorData),
      signature: toB64u(r.signature),
      ...(r.userHandle ? { userHandle: toB64u(r.userHandle) } : {}),
    },
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}
