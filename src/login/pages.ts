import type { PasscodeChallenge, PushChallenge } from '../providers/provider.js';
import type { Notice } from './login_flow.js';
import type { LoginField } from '../flows/index.js';
import { html, type SafeHtml } from '../http/html.js';

// Pages for browsers without the injected script, and for every failure. Same look as the dialog.

export function noticeText(notice: Notice | undefined): string | undefined {
  switch (notice?.code) {
    case 'passcode_invalid':
      return `That passcode was not right. ${notice.attemptsRemaining ?? 'Some'} attempt${notice.attemptsRemaining === 1 ? '' : 's'} left.`;
    case 'passcode_expired':
      return 'That passcode has expired. Ask for a new one below.';
    case 'device_refused':
      return 'This device is no longer remembered, so a passcode was sent instead.';
    case 'passcode_resent':
      return 'A new passcode is on its way.';
    case 'push_expired':
      return 'Your device did not answer in time. Send the notification again, or enter a code.';
    case 'push_resent':
      return 'A new notification is on its way to your device.';
    default:
      return undefined;
  }
}

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/mfa/static/factorgate.css">
</head>
<body class="fg-page">
<main class="fg-card">
${body}
</main>
</body>
</html>`.value;
}

/** "Use another way to sign in": shown when a later policy of the factor applies. */
function anotherWay(csrf: string, another: boolean | undefined): SafeHtml | '' {
  return another ? html`<form method="post" action="/mfa/another" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Use another way to sign in</button>
</form>` : '';
}

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
  return layout('One more step to sign in', html`
<h1>One more step to sign in</h1>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<form method="post" action="/mfa/step" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  ${fields.map(input)}
  <button type="submit">Continue</button>
</form>
<form method="post" action="/mfa/cancel" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Cancel</button>
</form>`);
}

/** The key of an otpauth:// URI in groups of four, for typing into an app by hand. */
export function setupKey(uri: string): string {
  return (new URL(uri).searchParams.get('secret') ?? '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** A first authenticator app, registered during the login: the QR code, the key, and the first code. */
export function enrolPage(setupUri: string, csrf: string, notice?: Notice): string {
  const message = noticeText(notice);
  return layout('Set up your authenticator app', html`
<h1>Set up your authenticator app</h1>
<p>Your account has no authenticator app yet. Scan this code with one (such as FreeOTP, Google Authenticator or Microsoft Authenticator), then enter the 6-digit code it shows.</p>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<p><img class="fg-qr" src="/mfa/enrol/qr.svg" alt="QR code for your authenticator app" width="220" height="220"></p>
<p><a href="${setupUri}">Open it in an authenticator app on this device</a>, or type this key: <code class="fg-key">${setupKey(setupUri)}</code></p>
<form method="post" action="/mfa/passcode" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-passcode">Code from the app</label>
  <input id="fg-passcode" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required autofocus>
  <button type="submit">Finish setup and sign in</button>
</form>
<form method="post" action="/mfa/cancel" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Cancel</button>
</form>`);
}

export function passcodePage(challenge: PasscodeChallenge, csrf: string, notice?: Notice, another?: boolean): string {
  const message = noticeText(notice);
  return layout('Enter your passcode', html`
<h1>Enter your passcode</h1>
<p>${challenge.destination ? html`We sent a passcode to <strong>${challenge.destination}</strong>.` : challenge.prompt ?? 'We sent you a passcode.'}</p>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<form method="post" action="/mfa/passcode" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-passcode">Passcode</label>
  <input id="fg-passcode" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required autofocus>
  ${challenge.canRememberDevice ? html`<label class="fg-check"><input type="checkbox" name="remember" value="on"> Remember this device</label>` : ''}
  <button type="submit">Verify</button>
</form>
<form method="post" action="/mfa/resend" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Send a new passcode</button>
</form>
${anotherWay(csrf, another)}
<form method="post" action="/mfa/cancel" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Cancel</button>
</form>`);
}

/** The push waiting page without the script: the user approves on the phone, then presses Continue. */
export function pushPage(challenge: PushChallenge, csrf: string, now: number, notice?: Notice, another?: boolean): string {
  const message = noticeText(notice);
  const expired = notice?.code === 'push_expired' || challenge.expiresAt <= now;
  const secondsLeft = Math.max(0, Math.ceil((challenge.expiresAt - now) / 1000));
  return layout('Approve the sign-in on your device', html`
<h1>Approve the sign-in on your device</h1>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
${expired ? '' : html`<p>We sent a notification to your device. Pick this number there to approve:</p>
<p class="fg-number" aria-label="number to pick">${challenge.number}</p>
<p class="fg-countdown">About ${secondsLeft} seconds left.</p>
<form method="post" action="/mfa/push/confirm" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit">I approved it, continue</button>
</form>`}
<form method="post" action="/mfa/resend" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Resend notification</button>
</form>
${challenge.canEnterCode ? html`<form method="post" action="/mfa/passcode" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-code">Or enter the code manually</label>
  <input id="fg-code" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>
  <button type="submit">Verify code</button>
</form>` : ''}
${anotherWay(csrf, another)}
<form method="post" action="/mfa/cancel" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Cancel</button>
</form>`);
}

export function failurePage(title: string, message: string, restartUrl: string): string {
  return layout(title, html`
<h1>${title}</h1>
<p class="fg-message" role="alert">${message}</p>
<p><a class="fg-button" href="${restartUrl}">Back to the login page</a></p>`);
}
