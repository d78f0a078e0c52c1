import type { OtpDevice, Passkey } from '../../otp/device_store.js';
import { MAX_DEVICE_NAME } from '../../otp/device_store.js';
import { html, type SafeHtml } from '../../http/html.js';
import { setupKeyHtml } from '../../http/setup_key.js';
import { BASE } from '../deps.js';
import { MESSAGES, type Message } from '../messages.js';
import type { PortalSession } from '../session.js';
import { codeField, csrfField, layout, messageBox, when } from './layout.js';

const back = html`<p><a href="${BASE}">Back to your devices</a></p>`;
const path = (device: OtpDevice) => `${BASE}/devices/${device.id}`;

/** An active device: test a code, rename, remove. */
export function devicePage(session: PortalSession, device: OtpDevice, message?: Message): string {
  // The field to correct has the focus: the name after a refused name, else the code.
  const nameRefused = message === MESSAGES.name_invalid;
  return layout(device.name, html`
<h1>${device.name}</h1>
<p>Added ${when(device.createdAt)}. Last used ${when(device.lastUsedAt)}.</p>
${messageBox(message)}
<h2>Test</h2>
<form method="post" action="${path(device)}/test" class="fg-form">
  ${csrfField(session.csrf)}
  ${codeField('fg-test-code', 'Code the app shows now', nameRefused ? undefined : message)}
  <button type="submit">Test</button>
</form>
<h2>Rename</h2>
${renameForm(session, device, nameRefused)}
<h2>Remove</h2>
<p><a class="fg-button fg-danger" href="${path(device)}/remove">Remove this device</a></p>
${back}`, session);
}

/**
 * A pending device this session added: the QR code with the key and the link beside it, and the
 * first code. Two steps and one line of ways out, so all of it fits a laptop's first screen, and
 * on a phone (the QR code beside the step's words there) the notice after a wrong code, the code
 * field and its button.
 */
export function setupPage(session: PortalSession, device: OtpDevice, uri: string, qrSvg: SafeHtml, message?: Message): string {
  return layout(`Set up ${device.name}`, html`
<h1>Set up ${device.name}</h1>
${messageBox(message)}
<ol class="fg-steps">
  <li>
    <div class="fg-scan">
      <p>In your authenticator app, choose to add an account, and scan this code:</p>
      <figure class="fg-qr" role="img" aria-label="QR code of the setup link">${qrSvg}</figure>
      <div class="fg-setup-key">
        <p><strong>Can't scan? Enter this key</strong> in the app (a setup key, time-based):</p>
        <p>${setupKeyHtml(uri, 'fg-setup-key')}</p>
        <p>On this phone? <a href="${uri}">Open the setup link</a> in the app instead.</p>
      </div>
    </div>
  </li>
  <li>Enter the code the app now shows for this account. Only then is the device used at sign-in.</li>
</ol>
<form method="post" action="${path(device)}/confirm" class="fg-form">
  ${csrfField(session.csrf)}
  ${codeField('fg-confirm-code', 'Code from the app', message)}
  <button type="submit">Finish setup</button>
</form>
<p class="fg-ways-out"><a href="${path(device)}/remove">Cancel and remove this device</a> <a href="${BASE}">Back to your devices</a></p>`, session);
}

/** A pending device another (ended) session added: its secret is not shown again. */
export function pendingPage(session: PortalSession, device: OtpDevice, message?: Message): string {
  return layout(device.name, html`
<h1>${device.name}</h1>
${messageBox(message)}
<p>The setup of this device was not finished, so it cannot be used to sign in. Remove it, then add the device again.</p>
<p><a class="fg-button fg-danger" href="${path(device)}/remove">Remove this device</a></p>
${back}`, session);
}

/** Are you sure? For an authenticator app. */
export function removePage(session: PortalSession, device: OtpDevice): string {
  return confirmRemovalPage(session, {
    name: device.name,
    consequence: `Its codes will no longer be accepted at sign-in.${device.active ? '' : ' Its setup was not finished.'}`,
    action: `${path(device)}/remove`,
    keep: device.active ? path(device) : BASE,
  });
}

/** Are you sure? For a passkey or security key. */
export function removePasskeyPage(session: PortalSession, passkey: Passkey): string {
  return confirmRemovalPage(session, {
    name: passkey.name,
    consequence: 'You will no longer be able to sign in with it.',
    action: `${BASE}/passkeys/${passkey.id}/remove`,
    keep: BASE,
  });
}

/** The confirmation before a removal, for every kind of device: a plain form (no script), CSRF-protected. */
function confirmRemovalPage(session: PortalSession, what: { name: string; consequence: string; action: string; keep: string }): string {
  return layout(`Remove ${what.name}?`, html`
<h1>Remove ${what.name}?</h1>
<p>${what.consequence}</p>
<form method="post" action="${what.action}" class="fg-form">
  ${csrfField(session.csrf)}
  <button type="submit" class="fg-danger">Remove</button>
</form>
<p><a href="${what.keep}">Keep it</a></p>`, session);
}

function renameForm(session: PortalSession, device: OtpDevice, refused: boolean): SafeHtml {
  return html`<form method="post" action="${path(device)}/rename" class="fg-form">
  ${csrfField(session.csrf)}
  <label for="fg-rename">New name</label>
  <input id="fg-rename" name="name" maxlength="${MAX_DEVICE_NAME}" value="${device.name}" required${refused ? html` autofocus aria-invalid="true" aria-describedby="fg-error"` : ''}>
  <button type="submit">Rename</button>
</form>`;
}
