/** The WebAuthn relying party: RoamSign's public origin, and its host as the RP ID (API.md "Configuration"). */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

export function relyingPartyOf(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name: 'RoamSign' };
}
