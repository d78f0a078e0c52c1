import { html, type SafeHtml } from './html.js';
import { MFA_PATHS } from './paths.js';
import { withPortalLinks } from './portal_link.js';

// The frame of every page factorgate serves itself (the login's pages without the script, the
// /manageotp portal, failures): the same look as the dialog, from the same stylesheet. No script,
// but for the portal's passkeys, which only a script can register.

export type PageOptions = {
  /** A class for the card beside fg-card (the portal's wider card). */
  cardClass?: string;
  /** Shown at the top of the card (the portal's signed-in bar). */
  header?: SafeHtml;
  /** Scripts of factorgate's own (paths under /mfa/static) for pages that need one (adding a passkey). */
  scripts?: readonly string[];
  /** Reload after this many seconds (a page waiting on something elsewhere, without a script), to this same-site path. */
  refresh?: { seconds: number; path: string };
};

export function page(title: string, body: SafeHtml, options: PageOptions = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${options.refresh ? html`<meta http-equiv="refresh" content="${options.refresh.seconds}; url=${options.refresh.path}">
` : ''}<title>${title}</title>
<link rel="stylesheet" href="${MFA_PATHS.static}/factorgate.css">
${(options.scripts ?? []).map((name) => html`<script src="${MFA_PATHS.static}/${name}" defer></script>`)}
</head>
<body class="fg-page">
<main class="fg-card${options.cardClass ? ` ${options.cardClass}` : ''}">
${options.header ?? ''}${body}
</main>
</body>
</html>`.value;
}

/** The page for a request factorgate ends early: what happened, and the way back. */
export function failurePage(title: string, message: string, backTo: string, backLabel = 'Back to the login page'): string {
  return page(title, html`
<h1>${title}</h1>
<p class="fg-message" role="alert">${withPortalLinks(message)}</p>
<p><a class="fg-button" href="${backTo}">${backLabel}</a></p>`);
}
