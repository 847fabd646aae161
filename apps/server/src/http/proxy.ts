import { BlockList, isIP } from 'node:net';
import type { AuthorizationServer, HttpRequest } from '@grantor/core';
import type { TrustProxy } from '../env.js';

/**
 * TRUST_PROXY: the client address behind reverse proxies (RFC 7239 §5.2's `X-Forwarded-For` de-facto form). Only
 * trusted hops may name the client: with `hops: n`, the n nearest proxies (the peer and n−1 entries of the header);
 * with CIDRs, every hop whose address is in the list. The first untrusted address from the right is the client, so a
 * client cannot pick its own address by sending the header. Throttles and logs see that address.
 */
const plain = (address: string): string => {
  const a = address.trim();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
};

const blockList = (cidrs: readonly string[]): BlockList => {
  const list = new BlockList();
  for (const c of cidrs) {
    const [address = '', bits] = c.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
};

export const clientAddress = (trust: TrustProxy) => {
  const list = 'cidrs' in trust ? blockList(trust.cidrs) : undefined;
  const trusted = (a: string): boolean => list !== undefined && isIP(a) !== 0 && list.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  return (peer: string | undefined, forwardedFor: string | undefined): string | undefined => {
    if (peer === undefined || forwardedFor === undefined) return peer;
    const forwarded = forwardedFor.split(',').map(plain).filter((a) => isIP(a) !== 0);
    const chain = [...forwarded, plain(peer)];
    if ('hops' in trust) return chain[Math.max(0, chain.length - 1 - trust.hops)];
    let i = chain.length - 1;
    while (i > 0 && trusted(chain[i] as string)) i--;
    return chain[i];
  };
};

/** The server with every request's `remoteAddress` resolved through the trusted proxies. */
export const withTrustedProxies = (server: AuthorizationServer, trust: TrustProxy): AuthorizationServer => {
  const resolve = clientAddress(trust);
  const rewrite = (req: HttpRequest): HttpRequest => {
    const address = resolve(req.remoteAddress, req.headers['x-forwarded-for']);
    return address === undefined || address === req.remoteAddress ? req : { ...req, remoteAddress: address };
  };
  return {
    ...server,
    routes: server.routes.map((r) => ({ ...r, handle: (req) => r.handle(rewrite(req)) })),
    handle: (req) => server.handle(rewrite(req)),
  };
};
