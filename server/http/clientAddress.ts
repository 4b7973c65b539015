import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Context } from 'hono';

/** Addresses and networks (`10.0.0.0/8`, `::1`) whose X-Forwarded-For is believed: ROAMSIGN_TRUSTED_PROXIES. */
export function trustedProxyList(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/** The first four groups of an IPv6 address (its /64), "::" expanded; an embedded IPv4 tail is two groups. */
function ipv6Prefix(address: string): string {
  const plain = address.split('%')[0]!;
  const split = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const [head, tail] = plain.includes('::') ? (plain.split('::') as [string, string]) : [plain, undefined];
  const left = split(head);
  const right = tail === undefined ? [] : split(tail);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** `::ffff:1.2.3.4` is 1.2.3.4; an IPv6 address stands for its /64 (one customer's network, not one host). */
function budgetAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  return net.isIPv6(address) ? ipv6Prefix(address) : address;
}

function isTrusted(list: net.BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return list.check(mapped[1]!, 'ipv4');
  return list.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/**
 * The source address a budget is kept for: the socket's peer, or, when that peer is a trusted
 * proxy, the first address in X-Forwarded-For that is not one (read from the right: a client can
 * write anything to the left of what the proxies appended). Null when unknown (an in-process call).
 */
export function clientAddressOf(c: Context, trustedProxies: net.BlockList): string | null {
  const peer = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
  if (!peer || !net.isIP(peer.replace(/^::ffff:/i, ''))) return null;
  if (!isTrusted(trustedProxies, peer)) return budgetAddress(peer);
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = withoutPort(hops[i]!);
    // What a trusted proxy appended is not an address: the source is unknown. Never fall back to
    // the proxy's own address, whose one budget every caller behind it would then share.
    if (!net.isIP(hop)) return null;
    if (!isTrusted(trustedProxies, hop)) return budgetAddress(hop);
  }
  return budgetAddress(withoutPort(hops[0] ?? peer));
}

/** Some proxies (Azure Application Gateway) write `203.0.113.5:54321` or `[2001:db8::1]:443`. */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}
