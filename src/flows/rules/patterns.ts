import micromatch from 'micromatch';
import proxyAddr from 'proxy-addr';
import { RuleSyntaxError } from './lexer.js';

// The right-hand sides of `in` and `matches`, compiled once at start-up; a bad one is an error
// at its own position.

export type Pattern = { value: string; pos: number };

// Globs: * ? [..] {a,b}, case-insensitive; * crosses / and leading dots; a backslash is a
// literal backslash (DOMAIN\user); no ! negation and no extglobs (write not ... instead).
const GLOB = { nocase: true, dot: true, bash: true, nonegate: true, noextglob: true } as const;

/** Addresses and CIDRs (IPv4, IPv6, and proxy-addr's loopback, linklocal, uniquelocal). */
export function compileCidrs(patterns: Pattern[]): (address: string) => boolean {
  for (const p of patterns) {
    try {
      proxyAddr.compile(p.value);
    } catch {
      throw new RuleSyntaxError(`not an address or CIDR: "${p.value}"`, p.pos);
    }
  }
  const trusted = proxyAddr.compile(patterns.map((p) => p.value));
  return (address) => trusted(address, 0);
}

export function compileGlobs(patterns: Pattern[]): (text: string) => boolean {
  const matchers = patterns.map((p) => {
    if (p.value === '') throw new RuleSyntaxError('empty pattern', p.pos);
    try {
      return micromatch.matcher(p.value.replaceAll('\\', '\\\\'), GLOB);
    } catch {
      throw new RuleSyntaxError(`not a valid pattern: "${p.value}"`, p.pos);
    }
  });
  return (text) => matchers.some((m) => m(text));
}
