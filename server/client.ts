import { hc, type ClientRequestOptions } from 'hono/client';
import type { AppType } from './app.js';

/**
 * A typed client of the RoamSign HTTP API (Hono RPC): paths, parameters, bodies and answers are
 * checked at compile time against the server's own route declarations. Used by the testers'
 * kit (tests/e2e/kit.ts) and the API tests.
 *
 *   const api = createApiClient('http://localhost:8787');
 *   const res = await api.api.v1['signing-requests'].$post({ json: { nric, system: 'igfmas', documents } });
 *   if (res.status === 201) console.log((await res.json()).verificationCode);
 */
export type ApiClient = ReturnType<typeof hc<AppType>>;

export function createApiClient(baseUrl: string, options?: ClientRequestOptions): ApiClient {
  return hc<AppType>(baseUrl, options);
}
