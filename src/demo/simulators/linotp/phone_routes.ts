import { formOf } from '../http_server.js';
import express, { type Request, type Response, type Router } from 'express';
import type { ResolvedLinotpOptions } from './options.js';
import { phonePage, RESULTS, type ResultWord } from './phone_page.js';
import type { PhoneOutcome, Transactions } from './transactions.js';
import { phoneEntry } from './views.js';

export type PhoneDeps = { transactions: Transactions; options: ResolvedLinotpOptions };

const NUMBER = /^[1-9][0-9]$/;
const REFRESH_SECONDS = 2;

/**
 * The simulated phone, served to localhost only:
 *   GET  /phone               every user's pending pushes, newest first (HTML, refreshes itself)
 *   GET  /phone/{user}        one user's
 *   GET  /phone.json          {"transactions": [PhoneEntry, ...]}, every user's
 *   POST /phone/{tid}/accept  form field `number`: allow with that number (a wrong one rejects)
 *   POST /phone/{tid}/deny    deny
 * The posts answer 303 back to the page they came from (`view` = all | user), with ?result=.
 */
export function phoneRoutes({ transactions, options }: PhoneDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '2kb' });
  const page = (req: Request, res: Response, user?: string) => {
    pageHeaders(res);
    const result = typeof req.query.result === 'string' && Object.hasOwn(RESULTS, req.query.result) ? req.query.result as ResultWord : undefined;
    const now = options.now();
    const entries = transactions.pending(now, user).map((tx) => phoneEntry(tx, now));
    res.type('text/html').send(phonePage({ entries, user, result, refreshSeconds: REFRESH_SECONDS }));
  };
  router.get('/phone', (req, res) => page(req, res));
  router.get('/phone.json', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const now = options.now();
    res.json({ transactions: transactions.pending(now).map((tx) => phoneEntry(tx, now)) });
  });
  router.get('/phone/:user', (req, res) => page(req, res, String(req.params.user)));
  router.post('/phone/:tid/accept', form, (req, res) => {
    const tid = String(req.params.tid);
    const given = fieldOf(req, 'number');
    const number = given !== undefined && NUMBER.test(given) ? Number(given) : undefined;
    // A missing or malformed number is a slip of the form, not a pick: nothing changes.
    const needsNumber = transactions.get(tid)?.number !== undefined;
    if (given !== undefined ? number === undefined : needsNumber) return back(req, res, tid, 'number');
    back(req, res, tid, transactions.answerOnPhone(tid, { allow: true, number }, options.now()));
  });
  router.post('/phone/:tid/deny', form, (req, res) => {
    const tid = String(req.params.tid);
    back(req, res, tid, transactions.answerOnPhone(tid, { allow: false }, options.now()));
  });

  /** 303 to the page the form was on: never a URL from the request, so no open redirect. */
  function back(req: Request, res: Response, tid: string, result: PhoneOutcome | 'number'): void {
    const user = fieldOf(req, 'view') === 'user' ? transactions.get(tid)?.user : undefined;
    const page = user === undefined ? '/phone' : `/phone/${encodeURIComponent(user)}`;
    res.redirect(303, `${page}?result=${result}`);
  }
  return router;
}

function fieldOf(req: Request, name: string): string | undefined {
  const body = formOf(req);
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function pageHeaders(res: Response): void {
  res.set('Cache-Control', 'no-store');
  // The page has no script: inline styles, same-origin form posts, a meta refresh.
  res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  res.set('X-Content-Type-Options', 'nosniff');
  // Not no-referrer: under it a browser sends `Origin: null` with the page's own form posts,
  // and localOnly() (rightly) refuses those.
  res.set('Referrer-Policy', 'same-origin');
}
