import type { Method } from './vocabulary.js';

/**
 * The destination as the user may see it: enough to recognise, not enough to harvest.
 * alice@example.com -> a***@example.com; +1 555 010 1234 -> ***-***-1234.
 */
export function maskDestination(method: Method, destination: string): string {
  if (method === 'EMAIL') {
    const at = destination.lastIndexOf('@');
    return `${destination.slice(0, 1)}***${destination.slice(at)}`;
  }
  const digits = destination.replace(/\D/g, '');
  return `***-***-${digits.slice(-4)}`;
}
