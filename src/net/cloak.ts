import { createHmac, randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { ipv6Groups, unmapped } from './address.js';

/** Turns a client's address into the host others are shown for it. */
export type Cloak = (address: string | undefined) => string;

/**
 * Host cloaks: `<address>.<network>.cloak`, each label the first 40 bits of an HMAC-SHA256
 * of the address, or of its network (the IPv4 /24, the IPv6 /64), keyed with a server
 * secret, in base 32 (0-9, a-v): `k3fq9a2m.7d0a1bc4.cloak`.
 *
 * Why so: the address cannot be read back, nor found by trying every IPv4 address, without
 * the secret; the same address gets the same cloak on every node that shares the secret and
 * across restarts, so a ban on a cloak holds; and the second label is shared by a whole /24
 * or /64, which one subscriber usually has whole, so `*.7d0a1bc4.cloak` covers them all.
 * An IPv4 address reached over IPv6 (::ffff:1.2.3.4) is cloaked as the IPv4 address, and an
 * IPv6 address however it is written. Anything that is not an address (a transport without
 * one) is cloaked as it is, labelled apart.
 */
export function hostCloak(secret: string): Cloak {
  const label = (kind: string, text: string) => {
    const digest = createHmac('sha256', secret).update(`${kind}\n${text}`).digest();
    return digest.readUIntBE(0, 5).toString(32).padStart(8, '0');
  };
  return (address) => {
    const plain = unmapped(address ?? '');
    if (isIPv4(plain)) {
      const network = plain.slice(0, plain.lastIndexOf('.'));
      return `${label('ip4', plain)}.${label('net4', network)}.cloak`;
    }
    const groups = ipv6Groups(plain);
    if (groups) {
      const hex = groups.map((group) => group.toString(16));
      return `${label('ip6', hex.join(':'))}.${label('net6', hex.slice(0, 4).join(':'))}.cloak`;
    }
    return `${label('other', plain)}.${label('other-net', plain)}.cloak`;
  };
}

/**
 * For doors built without the server's cloak (tests): a key made for this process, so cloaks
 * still hide addresses, but differ between processes.
 */
export const PROCESS_CLOAK: Cloak = hostCloak(randomBytes(32).toString('hex'));
