import type { OtpDevice } from '../../otp/device_store.js';
import { MAX_DEVICE_NAME } from '../../otp/device_store.js';
import { html } from '../../http/html.js';
import { BASE } from '../deps.js';
import type { Message } from '../messages.js';
import type { PortalSession } from '../session.js';
import { csrfField, layout, messageBox, when } from './layout.js';

/** The user's devices, and the form that adds one. */
export function portalPage(session: PortalSession, devices: OtpDevice[], maxDevices: number, message?: Message): string {
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
  <td>${when(d.createdAt)}</td>
  <td>${when(d.lastUsedAt)}</td>
  <td>${d.active ? 'active' : html`<span class="fg-pending">setup not finished</span>`}</td>
  <td class="fg-actions"><a href="${BASE}/devices/${d.id}">${d.active ? 'Test or rename' : 'Setup'}</a>
    <a href="${BASE}/devices/${d.id}/remove">Remove</a></td>
</tr>`)}
</tbody>
</table>`}
<h2>Add a device</h2>
${active >= maxDevices
    ? html`<p>You have ${active} of ${maxDevices} devices allowed. Remove one to add another.</p>`
    : html`<form method="post" action="${BASE}/devices" class="fg-form">
  ${csrfField(session.csrf)}
  <label for="fg-name">Name of the device (for example "work phone")</label>
  <input id="fg-name" name="name" maxlength="${MAX_DEVICE_NAME}" required>
  <button type="submit">Add device</button>
</form>`}`, session);
}
