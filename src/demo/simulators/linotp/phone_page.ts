import escapeHtml from 'escape-html';
import type { PhoneEntry } from './views.js';

// The simulated push app: plain HTML, no script. Every value from a request (the login's
// `data` above all) is escaped; the page's CSP forbids scripts besides.

/** The words a POST's redirect may carry back (?result=), and what the page then says. */
export const RESULTS = {
  accepted: 'Allowed: the login goes ahead.',
  rejected: 'Wrong number: the request was rejected. If that sign-in is yours, ask the login page for a new notification and pick the number it shows.',
  denied: 'Denied: the login will not go ahead.',
  expired: 'That request has expired: nothing happened. If the sign-in is yours, start it again.',
  closed: 'That request was already answered.',
  unknown: 'No such request.',
  number: 'Pick the number the login page shows.',
} as const;
export type ResultWord = keyof typeof RESULTS;

export type PhonePageInput = { entries: PhoneEntry[]; user?: string; result?: ResultWord; refreshSeconds: number };

export function phonePage({ entries, user, result, refreshSeconds }: PhonePageInput): string {
  const self = user === undefined ? '/phone' : `/phone/${encodeURIComponent(user)}`;
  const scope = user === undefined ? 'every user' : escapeHtml(user);
  const flash = result ? `<p class="result" role="status">${escapeHtml(RESULTS[result])}</p>\n` : '';
  const list = entries.length > 0
    ? entries.map((e) => entryHtml(e, user === undefined ? 'all' : 'user')).join('\n')
    : `<p class="empty">No pending login requests for ${scope}. Start a login through factorgate and it appears here.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${refreshSeconds}; url=${escapeHtml(self)}">
<title>Phone: LinOTP push simulator</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 1.5rem auto; max-width: 26rem; color: #222; padding: 0 .8rem; }
  .note { background: #fff4d6; border: 1px solid #e6c65c; padding: .5rem .8rem; border-radius: 4px; font-size: .85rem; }
  .result { background: #e3f1e4; border: 1px solid #8cbf8f; padding: .5rem .8rem; border-radius: 4px; }
  .push { border: 1px solid #ccc; border-radius: 10px; padding: .8rem 1rem; margin: 1rem 0; }
  .push h2 { font-size: 1rem; margin: 0; }
  .data { background: #f4f4f4; padding: .4rem .6rem; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
  .left { color: #666; font-size: .85rem; }
  .numbers button { font: 600 1.4rem ui-monospace, monospace; width: 4.5rem; padding: .5rem 0; margin-right: .4rem; }
  .allow { font-size: 1rem; padding: .5rem 1.4rem; }
  .deny { margin-top: .6rem; background: #fde2e1; border: 1px solid #e5a19d; padding: .4rem 1rem; border-radius: 4px; }
  .code strong { font: 600 1.2rem ui-monospace, monospace; letter-spacing: .15em; }
  .empty { color: #666; }
</style>
</head>
<body>
<h1>Phone</h1>
<p class="note">This page stands in for the push app on the phone of ${scope}. It is not behind any login
(loopback only), and refreshes every ${refreshSeconds} seconds.</p>
${flash}${list}
</body>
</html>
`;
}

function entryHtml(e: PhoneEntry, view: 'all' | 'user'): string {
  const action = (what: 'accept' | 'deny') => `/phone/${encodeURIComponent(e.transactionid)}/${what}`;
  const hidden = `<input type="hidden" name="view" value="${view}">`;
  const allow = e.choices.length > 0
    ? `<p>Allow? Tap the number the login page shows:</p>
<form method="post" action="${action('accept')}" class="numbers">${hidden}${e.choices.map((n) => `<button type="submit" name="number" value="${n}">${n}</button>`).join('')}</form>`
    : `<form method="post" action="${action('accept')}">${hidden}<button type="submit" class="allow">Allow</button></form>`;
  return `<section class="push" id="tx-${escapeHtml(e.transactionid)}">
<h2>Login request for ${escapeHtml(e.user)}</h2>
<p class="data">${escapeHtml(e.data)}</p>
<p class="left">Expires in ${e.secondsLeft} s (token ${escapeHtml(e.serial)}, transaction ${escapeHtml(e.transactionid)})</p>
${allow}
<form method="post" action="${action('deny')}">${hidden}<button type="submit" class="deny">Deny</button></form>
<p class="code">Or type this code: <strong>${escapeHtml(e.code)}</strong></p>
</section>`;
}
