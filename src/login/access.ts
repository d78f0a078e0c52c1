import { sameToken } from '../security/csrf.js';
import type { LoginRecord } from './login_record.js';

/** Who is asking: the address, the browser, and the request's headers (what rules may test). */
export type Client = { ip: string; userAgent?: string; headers?: Readonly<Record<string, string | readonly string[] | undefined>> };

export const boundedUserAgent = (client: Client) => client.userAgent?.slice(0, 512);

/** The handle is bound to the browser that started the login (same User-Agent). */
export function sameBrowser(record: LoginRecord, client: Client): boolean {
  return record.userAgent === boundedUserAgent(client);
}

export function csrfMatches(record: LoginRecord, given: unknown): boolean {
  return sameToken(record.csrf, given);
}
