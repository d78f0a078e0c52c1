import type { LoginField } from '../../flows/index.js';
import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import { MFA_PATHS } from '../../http/paths.js';
import type { Notice } from '../views.js';
import { cancelForm } from './controls.js';
import { noticeText } from './notices.js';

/** A factor's form (its login schema): each field with its label and help text. */
export function askPage(fields: readonly LoginField[], csrf: string, notice?: Notice): string {
  const message = noticeText(notice);
  const input = (field: LoginField, i: number) => {
    const id = `fg-field-${field.name}`;
    const help = field.help ? html`<p class="fg-help" id="${id}-help">${field.help}</p>` : '';
    const described = field.help ? `${id}-help` : undefined;
    if (field.type === 'checkbox') {
      return html`<label class="fg-check"><input type="checkbox" id="${id}" name="${field.name}" value="on" aria-describedby="${described}"> ${field.label}</label>${help}`;
    }
    const otp = field.type === 'otp';
    return html`<label for="${id}">${field.label}</label>
  <input id="${id}" name="${field.name}" type="${field.type === 'password' ? 'password' : 'text'}"${otp ? html` inputmode="numeric"` : ''} autocomplete="${field.autocomplete ?? (otp ? 'one-time-code' : 'off')}" maxlength="256" required${i === 0 ? html` autofocus` : ''} aria-describedby="${described}">
  ${help}`;
  };
  return page('One more step to sign in', html`
<h1>One more step to sign in</h1>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<form method="post" action="${MFA_PATHS.form}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  ${fields.map(input)}
  <button type="submit">Continue</button>
</form>
${cancelForm(csrf)}`);
}
