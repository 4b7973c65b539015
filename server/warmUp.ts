import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { mobileAssets } from './mobile/bundle.js';
import { ceremonyScript, passkeyScript } from './portal/passkeyScript.js';
import type { Vault } from './vault/vault.js';
import { widgetAssets } from './widget/bundle.js';

/** The app as far as warming needs it: in-process requests, no socket. */
interface Requestable {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export interface WarmUpReport {
  ms: number;
  steps: { name: string; ok: boolean }[];
}

const generateKeyPair = promisify(crypto.generateKeyPair);

/**
 * Work a cold process would otherwise do inside its first requests (issue 22), done before it
 * listens: the browser bundles the server builds in memory (widget, dialog, GPKI Mobile, passkey
 * pages), one PIN verifier made and checked at the vault's scrypt cost (the libuv pool's threads),
 * one RSA-2048 signature with a throwaway key (OpenSSL's code paths; never a vault key), and a few
 * requests through the app that write nothing (routing, validation, the error table, JSON). A step
 * that fails is reported, never fatal: the first real request would simply do it.
 */
export async function warmUp(app: Requestable, vault: Pick<Vault, 'hashPin' | 'verifyPin'>): Promise<WarmUpReport> {
  const started = performance.now();
  const step = async (name: string, work: () => Promise<unknown>) => {
    try {
      await work();
      return { name, ok: true };
    } catch {
      return { name, ok: false };
    }
  };
  const steps = await Promise.all([
    step('widget bundles', () => widgetAssets()),
    step('GPKI Mobile bundle', () => mobileAssets()),
    step('passkey scripts', () => Promise.all([passkeyScript(), ceremonyScript()])),
    step('PIN verifier', async () => {
      if (!(await vault.verifyPin('000000', await vault.hashPin('000000')))) throw new Error('the verifier did not verify');
    }),
    step('RSA signature', async () => {
      const { privateKey, publicKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
      const data = Buffer.from('roamsign warm-up');
      if (!crypto.verify('sha256', data, publicKey, crypto.sign('sha256', data, privateKey))) throw new Error('the signature did not verify');
    }),
    step('requests', async () => {
      const answers = await Promise.all([
        app.request('/api/v1/health'),
        app.request('/openapi.json'),
        // Refused before anything is read or written: no caller (401), through the error table.
        app.request('/api/v1/signing-requests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      ]);
      await Promise.all(answers.map((a) => a.arrayBuffer()));
      if (answers[0]!.status !== 200) throw new Error(`health answered ${answers[0]!.status}`);
    }),
  ]);
  return { ms: Math.round(performance.now() - started), steps };
}
