/**
 * A Bearer token of the sandbox client `demo-<system>` (secret `sandbox`, API.md "Caller
 * authentication"): the bench calls the signing API as a registered system's server would.
 */
export async function systemToken(baseUrl: string, system = 'igfmas', fetchImpl: (url: string, init: RequestInit) => Promise<Response> = fetch): Promise<string> {
  const res = await fetchImpl(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`demo-${system}:sandbox`).toString('base64')}` },
    body: 'grant_type=client_credentials&scope=signing',
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`no token for demo-${system}: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
