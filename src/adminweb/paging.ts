import type { Request } from 'express';
import { MAX_LOGINS_LISTED } from '../admin/actions.js';
import { FactorgateError } from '../errors.js';

// The lists of sign-ins waiting, a page at a time: a busy morning or an attack leaves thousands
// waiting, and one page of them all is too long to read and slow to build and send.

export const PER_PAGE = 50;
/** No more pages than the logins read fill (src/admin/actions.ts waitingLogins). */
export const MAX_PAGE = Math.ceil(MAX_LOGINS_LISTED / PER_PAGE);
const PAGE = /^[1-9][0-9]{0,2}$/;

/** ?page=N: 1 when absent; anything but a whole number from 1 to MAX_PAGE names nothing here. */
export function pageOf(req: Request): number {
  const given = req.query.page;
  if (given === undefined) return 1;
  if (typeof given !== 'string' || !PAGE.test(given) || Number(given) > MAX_PAGE) throw new FactorgateError('not_found', 'malformed page number in an /admin address');
  return Number(given);
}

export type Paged<T> = {
  shown: T[];
  page: number;
  pages: number;
  /** The place of the first shown in the whole list, from 1. */
  first: number;
  total: number;
};

/** The page asked for; past the last (the list shrank since the link was made), the last. */
export function paged<T>(items: readonly T[], asked: number): Paged<T> {
  const pages = Math.max(1, Math.ceil(items.length / PER_PAGE));
  const page = Math.min(asked, pages);
  const start = (page - 1) * PER_PAGE;
  return { shown: items.slice(start, start + PER_PAGE), page, pages, first: start + 1, total: items.length };
}
