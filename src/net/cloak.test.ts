import { describe, expect, it } from 'vitest';
import { hostCloak } from './cloak.js';

const cloak = hostCloak('a secret');
const FORMAT = /^[0-9a-v]{8}\.[0-9a-v]{8}\.cloak$/;

describe('host cloaks', () => {
  it.each([
    ['an IPv4 address', '203.0.113.7'],
    ['an IPv6 address', '2001:db8::7'],
    ['no address', undefined],
    ['something that is not an address', 'not-an-address'],
  ])('give %s two labels of base 32 and .cloak', (_, address) => {
    expect(cloak(address)).toMatch(FORMAT);
  });

  it('never show the address, and depend on the secret', () => {
    const shown = cloak('203.0.113.7');
    expect(shown).not.toMatch(/203|113/);
    expect(hostCloak('another secret')('203.0.113.7')).not.toBe(shown);
    expect(hostCloak('a secret')('203.0.113.7')).toBe(shown);
  });

  it('give one address one cloak however it is written', () => {
    expect(cloak('::ffff:203.0.113.7')).toBe(cloak('203.0.113.7'));
    expect(cloak('2001:0db8:0:0:0:0:0:7')).toBe(cloak('2001:db8::7'));
    expect(cloak('2001:DB8::7')).toBe(cloak('2001:db8::7'));
  });

  it('share the second label within an IPv4 /24 or an IPv6 /64, and only there', () => {
    const network = (address: string) => cloak(address).split('.')[1];
    const first = (address: string) => cloak(address).split('.')[0];
    expect(network('203.0.113.7')).toBe(network('203.0.113.200'));
    expect(first('203.0.113.7')).not.toBe(first('203.0.113.200'));
    expect(network('203.0.114.7')).not.toBe(network('203.0.113.7'));
    expect(network('2001:db8:1:2::7')).toBe(network('2001:db8:1:2:ffff::1'));
    expect(network('2001:db8:1:3::7')).not.toBe(network('2001:db8:1:2::7'));
    // An IPv4 network and an IPv6 one are never taken for each other.
    expect(network('::ffff:0.0.0.1')).toBe(network('0.0.0.1'));
    expect(network('::1')).not.toBe(network('0.0.0.1'));
  });
});
