import { BlockList, isIP, isIPv4 } from 'node:net';

/** An IPv6 address as its eight 16-bit groups; undefined if it is not one. */
export function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0]!.toLowerCase();
  if (isIP(text) !== 6) return undefined;
  // An IPv4 tail (::ffff:1.2.3.4) becomes the two groups it stands for.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  if (rest === undefined) return front;
  const back = parse(rest);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:1.2.3.4) stands for, else itself. */
export function unmapped(address: string): string {
  if (isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  if (groups?.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return address;
}

/**
 * What the per-IP limits count by: an IPv4 address (mapped ones included) as is, an IPv6
 * address by its /64, since one subscriber or one host is usually given a whole /64 and could
 * otherwise pick a fresh address for every connection.
 */
export function limitKey(address: string): string {
  const plain = unmapped(address);
  if (isIPv4(plain)) return plain;
  const groups = ipv6Groups(plain);
  if (!groups) return plain;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** A list of addresses and CIDR blocks (127.0.0.0/8, ::1, 2001:db8::/32). */
export class AddressSet {
  private readonly blocks = new BlockList();
  readonly empty: boolean;

  /** Throws an Error naming the first entry that is not an address or CIDR block. */
  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address = '', prefixText] = entry.split('/');
      const version = isIP(address);
      const max = version === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (
        version === 0 ||
        (prefixText !== undefined && !/^\d+$/.test(prefixText)) ||
        !(prefix <= max)
      ) {
        throw new Error(`"${entry}" is not an IP address or CIDR block like 10.0.0.0/8`);
      }
      this.blocks.addSubnet(address, prefix, version === 4 ? 'ipv4' : 'ipv6');
    }
  }

  has(address: string): boolean {
    if (this.empty) return false;
    const plain = unmapped(address);
    const version = isIP(plain);
    if (version === 0) return false;
    return this.blocks.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  }
}
