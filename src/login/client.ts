import { sameToken } from '../security/csrf.js';
import type { Client } from '../http/request.js';
import type { LoginRecord } from './record.js';

export type { Client } from '../http/request.js';

export const boundedUserAgent = (client: Client) => client.userAgent?.slice(0, 512);

/** The handle is bound to the browser that started the login (same User-Agent). */
export function sameBrowser(record: LoginRecord, client: Client): boolean {
  return record.userAgent === boundedUserAgent(client);
}

export function csrfMatches(record: LoginRecord, given: unknown): boolean {
  return sameToken(record.csrf, given);
}

/** The injected script asks for JSON; a form post or a page load without it does not. */
export const acceptsJson = (accept: unknown): boolean => typeof accept === 'string' && accept.includes('application/json');
