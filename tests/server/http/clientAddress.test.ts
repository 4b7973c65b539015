import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, trustedProxyList } from '../../../server/http/clientAddress.js';
import { parseConfig } from '../../../server/env.js';

const proxies = trustedProxyList(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
const app = new Hono().get('/', (c) => c.text(String(clientAddressOf(c, proxies))));

async function addressOf(peer: string | undefined, forwardedFor?: string): Promise<string> {
  const headers: Record<string, string> = forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor };
  const env = peer === undefined ? undefined : { incoming: { socket: { remoteAddress: peer } } };
  return (await app.request('/', { headers }, env)).text();
}

describe('the source address a budget is kept for', () => {
  it.each([
    ['a direct client is its socket peer, whatever it forwards', '192.0.2.10', '203.0.113.5', '192.0.2.10'],
    ['behind a trusted proxy, the forwarded client', '127.0.0.1', '203.0.113.5', '203.0.113.5'],
    ['read from the right past every trusted proxy: what the client wrote on the left is ignored', '127.0.0.1', '198.51.100.1, 203.0.113.5, 10.1.2.3', '203.0.113.5'],
    ['an IPv4-mapped peer is the IPv4 address', '::ffff:127.0.0.1', '203.0.113.9', '203.0.113.9'],
    ['junk in the header ends the walk at the last good hop', '127.0.0.1', 'junk, 203.0.113.7', '203.0.113.7'],
    ['a trusted proxy with no header is the source itself', '10.0.0.5', undefined, '10.0.0.5'],
    ['a forwarded IPv4 address with a port is the address', '127.0.0.1', '203.0.113.5:54321', '203.0.113.5'],
    ['a forwarded bracketed IPv6 address with a port is its /64', '127.0.0.1', '[2001:db8:1:2::1]:443', '2001:db8:1:2::/64'],
    ['junk appended by a trusted proxy is an unknown source, never the proxy itself', '127.0.0.1', '203.0.113.5, proxy-junk', 'null'],
    ['an IPv6 client counts as its /64', '2001:db8:1:2:aaaa::1', undefined, '2001:db8:1:2::/64'],
    ['an IPv6 client with "::" early', '2001:db8::7', undefined, '2001:db8:0:0::/64'],
  ])('%s', async (_name, peer, forwardedFor, expected) => {
    expect(await addressOf(peer, forwardedFor)).toBe(expected);
  });

  it('an in-process call has no address', async () => {
    expect(await addressOf(undefined, '203.0.113.5')).toBe('null');
  });

  it('ROAMSIGN_TRUSTED_PROXIES takes addresses and networks and names a bad entry', () => {
    expect(parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' }).trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(() => parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/ROAMSIGN_TRUSTED_PROXIES: "10.0.0.0\/33" is not an IP address/);
    expect(() => parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_TRUSTED_PROXIES: 'proxy.local' })).toThrow(/ROAMSIGN_TRUSTED_PROXIES/);
  });

  it('the signing delay is a sandbox-only test hook', () => {
    expect(parseConfig({ ROAMSIGN_SANDBOX: '1', ROAMSIGN_TEST_SIGNING_DELAY_MS: '500' }).testSigningDelayMs).toBe(500);
    expect(() => parseConfig({ ROAMSIGN_SMTP_URL: 'smtp://mail.example', ROAMSIGN_TEST_SIGNING_DELAY_MS: '500' })).toThrow(/ROAMSIGN_TEST_SIGNING_DELAY_MS: a test hook, honoured in sandbox mode only/);
  });
});
