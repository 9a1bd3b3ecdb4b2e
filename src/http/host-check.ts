import { isIP } from 'node:net';

/**
 * Which Host headers the HTTP door answers. A page on any domain the attacker controls can
 * be made to resolve to 127.0.0.1 (DNS rebinding); the browser then sends that domain as
 * Host and as Origin alike, so a same-origin check passes and the page chats as its visitor.
 * Refusing host names the server was not told it goes by closes that door. Addresses typed
 * as numbers are always fine: no attacker's page can have one as its origin and reach us
 * through a name.
 */
export class HostCheck {
  private readonly names: ReadonlySet<string>;
  private readonly anyName: boolean;

  /**
   * @param publicHosts the names users reach the server by (`--public-host`), `*` for any
   *   (behind a proxy that checks for itself).
   * @param ownNames names that always mean this machine: localhost, its host name.
   */
  constructor(publicHosts: readonly string[], ownNames: readonly string[]) {
    this.anyName = publicHosts.includes('*');
    this.names = new Set([...publicHosts, ...ownNames].map((name) => name.toLowerCase()));
  }

  /** Whether a request with this Host header is for us; no Host (not a browser) is. */
  allows(host: string | undefined): boolean {
    if (host === undefined || this.anyName) return true;
    const name = hostName(host);
    if (name === undefined) return false;
    if (isIP(name) !== 0) return true;
    return this.names.has(name.toLowerCase().replace(/\.$/, ''));
  }
}

/** The name or address of a Host header, without its port or an IPv6 address's brackets. */
function hostName(host: string): string | undefined {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return undefined;
    const rest = host.slice(end + 1);
    return rest === '' || /^:\d+$/.test(rest) ? host.slice(1, end) : undefined;
  }
  const colon = host.indexOf(':');
  if (colon === -1) return host;
  return /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : undefined;
}
