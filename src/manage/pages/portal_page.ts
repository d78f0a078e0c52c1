import type { OtpDevice, Passkey } from '../../otp/device_store.js';
import type { RememberedBrowser } from '../../security/remembered_browsers.js';
import { MAX_DEVICE_NAME } from '../../otp/device_store.js';
import { html } from '../../http/html.js';
import { BASE } from '../deps.js';
import type { Message } from '../messages.js';
import type { PortalSession } from '../session.js';
import { csrfField, layout, messageBox, when } from './layout.js';

// The home page: one line a device or key on a laptop (a wide card, dates that do not wrap, a
// key's rename folded away), and each add form's field and button side by side, so that a user
// with several of each still sees both add buttons without scrolling. The remembered browsers
// come last, folded away: a line until opened.

/**
 * Passkeys shown when webauthn is enabled: the user's, how many are allowed, and (when only some
 * models may be registered) what the user is told is accepted.
 */
export type PasskeyList = { passkeys: Passkey[]; max: number; accepted?: string };

/** The user's remembered browsers, and the one this request comes from when its cookie names one. */
export type BrowserList = { browsers: RememberedBrowser[]; inUse?: string | undefined };

/** The user's devices, and the form that adds one. */
export function portalPage(session: PortalSession, devices: OtpDevice[], maxDevices: number, message?: Message, passkeys?: PasskeyList, browsers?: BrowserList): string {
  const active = devices.filter((d) => d.active).length;
  return layout('Your authenticator apps', html`
<h1>Your authenticator apps</h1>
${messageBox(message)}
${devices.length === 0
    ? html`<p>You have no device yet. Add one below: you will need an authenticator app on your phone.</p>`
    : html`<table class="fg-devices">
<thead><tr><th scope="col">Device</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="fg-sr">Actions</span></th></tr></thead>
<tbody>
${devices.map((d) => html`<tr>
  <td><a href="${BASE}/devices/${d.id}">${d.name}</a></td>
  <td data-label="Added">${when(d.createdAt)}</td>
  <td data-label="Last used">${when(d.lastUsedAt)}</td>
  <td data-label="Status">${d.active ? 'active' : html`<span class="fg-pending">setup not finished</span>`}</td>
  <td class="fg-actions"><a href="${BASE}/devices/${d.id}">${d.active ? 'Test or rename' : 'Setup'}</a>
    <a href="${BASE}/devices/${d.id}/remove">Remove</a></td>
</tr>`)}
</tbody>
</table>`}
<h2>Add a device</h2>
${active >= maxDevices
    ? html`<p>You have ${active} of ${maxDevices} devices allowed. Remove one to add another.</p>`
    : html`<form method="post" action="${BASE}/devices" class="fg-form fg-add">
  ${csrfField(session.csrf)}
  <label for="fg-name">Name of the device (for example "work phone")</label>
  <input id="fg-name" name="name" maxlength="${MAX_DEVICE_NAME}" required>
  <button type="submit">Add device</button>
</form>`}
${passkeys ? passkeySection(session, passkeys) : ''}
${browsers && browsers.browsers.length > 0 ? browserSection(session, browsers) : ''}`, session, passkeys ? ['webauthn.js', 'manage_passkeys.js'] : undefined, { lists: true });
}

/** Listed, renamed and removed with plain forms; added by manage_passkeys.js (WebAuthn needs a script). */
function passkeySection(session: PortalSession, { passkeys, max, accepted }: PasskeyList) {
  return html`<h2>Passkeys and security keys</h2>
${passkeys.length === 0 ? html`<p>You have no passkey or security key yet.</p>` : html`<table class="fg-devices" id="fg-passkeys">
<thead><tr><th scope="col">Key</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="fg-sr">Actions</span></th></tr></thead>
<tbody>
${passkeys.map((p) => html`<tr>
  <td>${p.name}</td>
  <td data-label="Added">${when(p.createdAt)}</td>
  <td data-label="Last used">${when(p.lastUsedAt)}</td>
  <td class="fg-actions"><details class="fg-rename"><summary>Rename<span class="fg-sr"> ${p.name}</span></summary>
    <form method="post" action="${BASE}/passkeys/${p.id}/rename" class="fg-inline">${csrfField(session.csrf)}
    <label class="fg-sr" for="fg-rename-${p.id}">New name</label><input id="fg-rename-${p.id}" name="name" maxlength="${MAX_DEVICE_NAME}" required value="${p.name}">
    <button type="submit" class="fg-link">Rename</button></form></details>
    <a href="${BASE}/passkeys/${p.id}/remove">Remove</a></td>
</tr>`)}
</tbody>
</table>`}
<h3>Add a passkey or security key</h3>
${accepted === undefined ? '' : html`<p id="fg-passkey-accepted">Accepted keys: ${accepted}.</p>`}
${passkeys.length >= max
    ? html`<p>You have ${passkeys.length} of ${max} keys allowed. Remove one to add another.</p>`
    : html`<form method="post" action="${BASE}/passkeys/options" class="fg-form fg-add" data-factorgate="add-passkey">
  ${csrfField(session.csrf)}
  <label for="fg-passkey-name">Name of the key (for example "blue YubiKey" or "laptop")</label>
  <input id="fg-passkey-name" name="name" maxlength="${MAX_DEVICE_NAME}" required>
  <p class="fg-message" role="alert" id="fg-passkey-error" hidden></p>
  <button type="submit">Add a passkey or security key</button>
</form>`}`;
}

/**
 * Folded into one line until opened, last on the page: what a user comes for is mostly an app or
 * a key. Each row can be forgotten; all of them at once when there are two or more.
 */
function browserSection(session: PortalSession, { browsers, inUse }: BrowserList) {
  return html`<details class="fg-browsers" id="fg-browsers">
<summary>Remembered browsers (${browsers.length})</summary>
<p>These browsers skip the code at sign-in until they expire. Forget one you no longer use or no longer have: it is asked for a code again at its next sign-in.</p>
<table class="fg-devices">
<thead><tr><th scope="col">Browser</th><th scope="col">Remembered</th><th scope="col">Expires</th><th scope="col">Address</th><th scope="col"><span class="fg-sr">Actions</span></th></tr></thead>
<tbody>
${browsers.map((b) => html`<tr>
  <td>${b.userAgent}${b.id === inUse ? html` <strong class="fg-this-browser">(this browser)</strong>` : ''}</td>
  <td data-label="Remembered">${when(b.issuedAt)}</td>
  <td data-label="Expires">${when(b.expiresAt)}</td>
  <td data-label="Address">${b.clientIp}</td>
  <td class="fg-actions"><form method="post" action="${BASE}/browsers/${b.id}/forget" class="fg-inline">${csrfField(session.csrf)}
    <button type="submit" class="fg-link">Forget<span class="fg-sr"> ${b.userAgent} remembered ${asText(b.issuedAt)} from ${b.clientIp}</span></button></form></td>
</tr>`)}
</tbody>
</table>
${browsers.length >= 2 ? html`<form method="post" action="${BASE}/browsers/forget-all" class="fg-inline">${csrfField(session.csrf)}
  <button type="submit" class="fg-link">Forget all browsers</button></form>` : ''}
</details>`;
}

/** A date as when() shows it, as plain text: a screen reader's name for a button (a <time> there would not wrap). */
const asText = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
