import escapeHtml from 'escape-html';
import express, { type Response, type Router } from 'express';
import type { Outbox } from './outbox.js';

/**
 * The outbox instead of e-mail and SMS: the last passcode sent to each user.
 *   GET /outbox              an HTML page that refreshes itself
 *   GET /outbox.json         {"messages": {"alice": {passcode, destination, method, sentAt}}}
 *   GET /outbox/{user}.json  one user's last message, or 404
 * Not behind Basic auth, for the demo's sake; the page says so. Served to localhost only.
 */
export function outboxRoutes(outbox: Outbox): Router {
  const router = express.Router();
  router.get('/outbox', (_req, res) => {
    noStore(res);
    // The page has no script: only inline styles and a meta refresh are allowed.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.type('text/html').send(outboxPage(outbox));
  });
  router.get('/outbox.json', (_req, res) => {
    noStore(res);
    res.json({ messages: Object.fromEntries(outbox.all()) });
  });
  router.get('/outbox/:user.json', (req, res) => {
    noStore(res);
    const message = outbox.last(String(req.params.user));
    if (!message) return void res.status(404).json({ error: 'no message for this user' });
    res.json(message);
  });
  return router;
}

function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
  res.set('Referrer-Policy', 'no-referrer');
}

function outboxPage(outbox: Outbox): string {
  const rows = outbox.all().map(([user, m]) => `<tr><td>${escapeHtml(user)}</td><td class="code">${escapeHtml(m.passcode)}</td>`
    + `<td>${escapeHtml(m.method)} to ${escapeHtml(m.destination)}</td><td>${escapeHtml(m.sentAt)}</td></tr>`);
  const body = rows.length > 0
    ? `<table><thead><tr><th>User</th><th>Passcode</th><th>Sent by</th><th>Sent at (UTC)</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
    : '<p class="empty">Nothing sent yet. Log in through factorgate and the passcode appears here.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="3">
<title>Outbox: two-factor simulator</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 48rem; color: #222; }
  .note { background: #fff4d6; border: 1px solid #e6c65c; padding: .6rem .9rem; border-radius: 4px; }
  table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
  .code { font: 600 1.3rem ui-monospace, monospace; letter-spacing: .15em; }
  .empty { color: #666; }
</style>
</head>
<body>
<h1>Outbox</h1>
<p class="note">The two-factor simulator delivers passcodes here instead of by e-mail or SMS: the last one
sent to each user. This page is <strong>not behind Basic auth</strong>, for the demo's convenience;
a real two-factor server never shows passcodes. It refreshes every 3 seconds.</p>
${body}
</body>
</html>
`;
}
