// factorgate's login dialog, injected into the gateway's login page. It posts the login form to
// /mfa/login with fetch and runs the rest of the login flow in a dialog: a factor's own form (its
// login schema), a passcode, or a push approved on the user's device (told by server-sent events,
// never by polling from the page), or a passkey (WebAuthn, through @simplewebauthn/browser's
// bundle, loaded from /mfa/static only when one is asked for). Every text it
// shows is set with textContent. Without this script the same endpoints answer with pages.
// The dialog lives in a shadow root with its own stylesheet, so no gateway page can restyle it.
(function () {
  'use strict';
  var form = document.querySelector('form[data-factorgate="login"]');
  if (!form || !window.fetch || !window.URLSearchParams) return;

  var csrf = '';
  var events = null;
  var countdown = null;
  // The recovery code's link, under "Other options" or, when it is the one other way, on its own.
  var RECOVERY_IN_LIST = 'Lost your device? Use a recovery code';
  var RECOVERY_ALONE = 'Lost your device? Use a recovery code from your help desk';
  var ui = buildDialog();

  // A reload during the sign-in resumes it: this tab notes (in its own sessionStorage, a flag and
  // nothing secret) that a sign-in is open, and on the next load asks for the open step again.
  // The handle stays the HttpOnly cookie bound to this browser; asking sends nothing to the user,
  // so the same passcode or push is shown, not a new one.
  var OPEN_KEY = 'factorgate-sign-in-open';
  function noteOpen(open) {
    try {
      if (open) window.sessionStorage.setItem(OPEN_KEY, '1'); else window.sessionStorage.removeItem(OPEN_KEY);
    } catch (e) { /* storage off: a reload starts again, as without this note */ }
  }
  function wasOpen() {
    try { return window.sessionStorage.getItem(OPEN_KEY) === '1'; } catch (e) { return false; }
  }
  // Only a reload resumes: going to the login page again starts a new sign-in, as it did.
  var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
  if (!navigation || navigation.type !== 'reload') noteOpen(false);
  if (wasOpen()) {
    fetch('/mfa/passcode', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { return res.json(); })
      .then(function (reply) {
        if (reply.status === 'challenge' || reply.status === 'ask') handle(reply); else noteOpen(false);
      }, function () { noteOpen(false); });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var params = new URLSearchParams(new FormData(form));
    var done = formBusy();
    post('/mfa/login', params).then(function (reply) {
      done();
      // The password (and a token PIN) stay in the page no longer than the post.
      Array.prototype.forEach.call(form.querySelectorAll('input[type="password"]'), function (input) { input.value = ''; });
      // A wrong password is answered on the form itself, the user name kept: nothing was sent to
      // the user's phone or mailbox, so there is nothing for a dialog to show.
      if (reply.status === 'failed' && reply.code === 'gateway_refused') showFormError(reply.message);
      else {
        showFormError('');
        handle(reply);
      }
    });
  });

  // Progress at once, not after the answer: the button says "Signing in…" and cannot be pressed
  // twice, and the form is aria-busy. Returns what puts the form back.
  function formBusy() {
    var submit = form.querySelector('[type="submit"]');
    var isInput = submit && submit.tagName === 'INPUT';
    var label = submit ? (isInput ? submit.value : submit.textContent) : '';
    var status = form.querySelector('.fg-progress') || el('p', { class: 'fg-progress fg-sr', role: 'status' });
    if (!status.parentNode) form.appendChild(status);
    if (submit) {
      submit.disabled = true;
      if (isInput) submit.value = 'Signing in…'; else submit.textContent = 'Signing in…';
    }
    form.setAttribute('aria-busy', 'true');
    status.textContent = 'Signing in…';
    return function () {
      if (submit) {
        submit.disabled = false;
        if (isInput) submit.value = label; else submit.textContent = label;
      }
      form.removeAttribute('aria-busy');
      status.textContent = '';
    };
  }

  function showFormError(message) {
    var note = form.querySelector('.fg-form-error');
    if (!message) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = el('p', { class: 'fg-form-error', role: 'alert' });
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = message;
    var password = form.querySelector('input[type="password"]');
    if (password) password.focus();
  }

  function post(url, params) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
      body: params.toString(),
    }).then(function (res) {
      return res.json().catch(function () {
        return { status: 'failed', message: 'The server gave an answer that could not be read. Reload the page and try again.' };
      });
    }, function () {
      return { status: 'failed', message: 'The server could not be reached. Check your connection and try again.' };
    });
  }

  // The whole sign-in has its own clock (login.lifetimeSeconds), longer than a passcode's: a
  // notice in its last minute, and another once it has ended. Counted from the server's seconds.
  var loginEndTimers = [];
  function watchLoginEnd(reply) {
    loginEndTimers.forEach(clearTimeout);
    loginEndTimers = [];
    ui.expiry.hidden = true;
    var left = Number(reply.loginSecondsLeft);
    if (reply.status !== 'challenge' || !(left >= 0)) return;
    var say = function (text) { ui.expiry.textContent = text; ui.expiry.hidden = false; };
    loginEndTimers.push(setTimeout(function () { say('This sign-in ends in less than a minute: finish it now, or start again from the login page.'); }, Math.max(0, left - 60) * 1000));
    loginEndTimers.push(setTimeout(function () { say('This sign-in has ended. Start again from the login page.'); }, left * 1000));
  }

  function handle(reply) {
    stopWaiting();
    watchLoginEnd(reply);
    noteOpen(reply.status === 'challenge' || reply.status === 'ask');
    if (reply.status === 'challenge') {
      csrf = String(reply.csrf || '');
      // The flow's later ways, by name, on every step: each is run only once it is chosen.
      ui.fillWays(reply.another ? reply.ways : []);
      if (reply.challenge && reply.challenge.kind === 'push') showPush(reply);
      else if (reply.challenge && reply.challenge.kind === 'webauthn') showWebauthn(reply);
      else showPasscode(reply);
    } else if (reply.status === 'ask') {
      csrf = String(reply.csrf || '');
      showAsk(reply);
    } else if (reply.status === 'done') {
      ui.busy(true);
      go(reply.location);
    } else if (reply.status === 'cancelled') {
      go(reply.restart);
    } else {
      showFailure(reply.message || 'Sign-in stopped. Start again from the login page.', reply.restart);
    }
  }

  // Only paths on this site, by the server's own rule (src/http/safe_location.ts): one leading
  // slash, no backslash or control character (a browser reads `/\host` as `//host`).
  function go(target) {
    var path = typeof target === 'string' && /^\/(?![\/\\])[^\\\u0000-\u001f\u007f-\u009f]*$/.test(target) ? target : '/';
    window.location.assign(path);
  }

  function setMessage(reply) {
    ui.message.textContent = reply.notice && reply.notice.message ? reply.notice.message : '';
    ui.message.hidden = !ui.message.textContent;
  }

  function show(panel) {
    if (panel !== 'passcode') {
      ui.enrol.hidden = true;
      ui.wide(false);
    }
    ui.askForm.hidden = panel !== 'ask';
    ui.passcodeForm.hidden = panel !== 'passcode';
    ui.push.hidden = panel !== 'push';
    ui.webauthn.hidden = panel !== 'webauthn';
    ui.failure.hidden = panel !== 'failure';
    ui.busy(false);
    ui.open();
  }

  function showPasscode(reply) {
    var challenge = reply.challenge || {};
    var enrol = challenge.kind === 'enrol';
    // A passcode's words come from the server's glossary (src/http/words.ts): an app's code is
    // never a "passcode", and has nothing to send again.
    var words = challenge.words || {};
    var push = challenge.kind === 'push';
    ui.title.textContent = enrol ? 'Set up your authenticator app' : push ? 'Enter the code from your device' : String(words.title || 'Enter your passcode');
    ui.text.textContent = enrol
      ? 'Your account has no authenticator app yet. Scan this code with one, then enter the 6-digit code it shows.'
      : push ? 'Enter the code your device shows with the request.' : String(words.intro || challenge.prompt || '') + (words.validity ? ' ' + String(words.validity) : '');
    setMessage(reply);
    ui.enrol.hidden = !enrol;
    ui.wide(enrol);
    ui.resend.hidden = enrol || (!push && !words.resend);
    // A recovery code leads to this enrolment; it is no way out of it.
    ui.passcodeRecovery.hidden = enrol;
    ui.portal.hidden = enrol || reply.portal !== '/manageotp';
    ui.ways.replaceChildren();
    (Array.isArray(words.otherWays) && !enrol && !push ? words.otherWays : []).forEach(function (way) {
      var via = String(way.via);
      if (via !== 'EMAIL' && via !== 'SMS') return;
      var button = el('button', { id: 'fg-via-' + via.toLowerCase(), type: 'button', class: 'fg-link' }, String(way.label));
      button.addEventListener('click', function () {
        stopWaiting();
        ui.busy(true);
        post('/mfa/resend', new URLSearchParams({ csrf: csrf, via: via })).then(handle);
      });
      ui.ways.append(button);
    });
    // Closed on each step; nothing to offer while a new app is set up (a recovery code led here).
    // With no other method and no other way of the flow, the recovery code is said plainly, not as a list of one.
    var others = ui.ways.firstChild !== null || ui.another.firstChild !== null;
    if (others) ui.codeMore.append(ui.passcodeRecovery);
    else ui.passcodeForm.insertBefore(ui.passcodeRecovery, ui.codeMore);
    ui.passcodeRecovery.textContent = others ? RECOVERY_IN_LIST : RECOVERY_ALONE;
    ui.codeMore.hidden = true;
    ui.codeOptions.setAttribute('aria-expanded', 'false');
    ui.codeOptions.hidden = enrol || !others;
    ui.passcodeLabel.textContent = enrol ? 'Code from the app' : push ? 'Code' : String(words.label || 'Passcode');
    ui.verify.textContent = enrol ? 'Finish setup and sign in' : 'Verify';
    if (enrol) {
      // The QR code comes from factorgate for this login only; the link only if it is an otpauth: one.
      ui.qr.src = '/mfa/enrol/qr.svg?t=' + Date.now();
      ui.setupLink.hidden = !/^otpauth:\/\//.test(String(challenge.otpauthUri || ''));
      if (!ui.setupLink.hidden) ui.setupLink.href = challenge.otpauthUri;
      ui.setupKey.textContent = String(challenge.key || '');
    }
    ui.rememberRow.hidden = !words.remember;
    ui.rememberText.textContent = ' ' + String(words.remember || '');
    ui.resend.textContent = push ? 'Send a new notification' : String(words.resend || '');
    ui.passcode.value = '';
    show('passcode');
    ui.passcode.focus();
  }

  // A factor's form, from the fields the server lists (names, labels and help are text, never markup).
  function showAsk(reply) {
    ui.title.textContent = 'One more step to sign in';
    ui.text.textContent = '';
    setMessage(reply);
    ui.askFields.replaceChildren();
    var first = null;
    (Array.isArray(reply.fields) ? reply.fields : []).forEach(function (field) {
      var id = 'fg-field-' + String(field.name);
      var input = el('input', { id: id, name: String(field.name) });
      if (field.type === 'checkbox') {
        input.type = 'checkbox';
        ui.askFields.append(el('label', { class: 'fg-check' }, [input, ' ' + String(field.label)]));
      } else {
        input.type = field.type === 'password' ? 'password' : 'text';
        if (field.type === 'otp') input.inputMode = 'numeric';
        input.autocomplete = String(field.autocomplete || (field.type === 'otp' ? 'one-time-code' : 'off'));
        input.maxLength = 256;
        input.required = true;
        ui.askFields.append(el('label', { for: id }, String(field.label)), input);
        first = first || input;
      }
      if (field.help) ui.askFields.append(el('p', { class: 'fg-help' }, String(field.help)));
    });
    show('ask');
    if (first) first.focus();
  }

  // While the push can be answered nothing invites voiding it: resend, the code and another way
  // wait behind "Other options". Once it is void (expired, or a wrong number picked) a new one is
  // the one thing to do, and its button takes the focus.
  function showPush(reply) {
    var challenge = reply.challenge;
    var code = reply.notice && reply.notice.code;
    var void_ = code === 'push_expired' || code === 'push_wrong_number' || !(challenge.secondsLeft > 0);
    ui.title.textContent = 'Approve the sign-in on your device';
    ui.text.textContent = void_ ? '' : 'We sent a notification to your device. Pick this number there to approve:';
    setMessage(reply);
    ui.number.textContent = void_ ? '' : String(challenge.number);
    ui.number.hidden = void_;
    // The code belongs to the push: it expires with it.
    ui.useCode.hidden = void_ || !challenge.canEnterCode;
    ui.pushResend.hidden = !void_;
    ui.pushOptions.hidden = void_;
    ui.pushOptions.setAttribute('aria-expanded', 'false');
    ui.pushMore.hidden = true;
    ui.pushMore.appendChild(ui.pushAnother);
    if (void_) ui.push.insertBefore(ui.pushAnother, ui.pushCancel);
    ui.pushStatus.textContent = '';
    ui.pushReply = reply;
    show('push');
    if (void_) {
      ui.countdown.textContent = '';
      ui.pushResend.focus();
      return;
    }
    ui.title.focus();
    var left = challenge.secondsLeft;
    var tick = function () {
      ui.countdown.textContent = timeLeft(left);
      // The visible countdown is not a live region: a screen reader hears it at 30 s only (and the
      // expiry, from the message that follows), not every second.
      if (left === 30) ui.pushStatus.textContent = '30 seconds left to approve on your device.';
      if (left <= 0) confirmPush();
      left -= 1;
    };
    tick();
    countdown = window.setInterval(tick, 1000);
    if (window.EventSource) {
      events = new EventSource('/mfa/push/events');
      events.addEventListener('verdict', function (event) {
        var verdict = JSON.parse(event.data).verdict;
        if (verdict !== 'open') confirmPush();
      });
    }
  }

  function timeLeft(seconds) {
    var s = Math.max(0, seconds);
    if (s < 60) return s === 1 ? '1 second left' : s + ' seconds left';
    var rest = s % 60;
    return Math.floor(s / 60) + ':' + (rest < 10 ? '0' : '') + rest + ' left';
  }

  // The browser asks for the key at once; if it cannot (no key, cancelled, no user gesture), the
  // user tries again with the button. The server's challenge stays open until an assertion comes.
  function showWebauthn(reply) {
    ui.title.textContent = 'Use your passkey or security key';
    ui.text.textContent = 'Your browser will ask for your passkey or security key: touch or unlock it when asked.';
    setMessage(reply);
    ui.webauthnReply = reply;
    show('webauthn');
    // After a refused key the user decides when to try again: no loop of prompts spends the attempts.
    if (reply.notice) ui.webauthnRetry.focus();
    else runWebauthn();
  }

  function runWebauthn() {
    var options = ui.webauthnReply && ui.webauthnReply.challenge && ui.webauthnReply.challenge.options;
    ui.busy(true);
    loadWebauthn().then(function (lib) {
      return lib.startAuthentication({ optionsJSON: options });
    }).then(function (assertion) {
      return post('/mfa/webauthn', new URLSearchParams({ assertion: JSON.stringify(assertion), csrf: csrf })).then(handle);
    }, function () {
      ui.busy(false);
      ui.message.textContent = 'No key answered, or the request was cancelled. Try again, or use another way to sign in.';
      ui.message.hidden = false;
      ui.webauthnRetry.focus();
    });
  }

  var webauthnLib = null;
  function loadWebauthn() {
    if (window.SimpleWebAuthnBrowser) return Promise.resolve(window.SimpleWebAuthnBrowser);
    if (!webauthnLib) {
      webauthnLib = new Promise(function (resolve, reject) {
        var script = el('script', { src: '/mfa/static/webauthn.js' });
        script.onload = function () { if (window.SimpleWebAuthnBrowser) resolve(window.SimpleWebAuthnBrowser); else reject(new Error('no library')); };
        script.onerror = function () { webauthnLib = null; reject(new Error('not loaded')); };
        document.head.appendChild(script);
      });
    }
    return webauthnLib;
  }

  // The server asks the push server once more before it lets anyone in.
  function confirmPush() {
    stopWaiting();
    ui.busy(true);
    post('/mfa/push/confirm', new URLSearchParams({ csrf: csrf })).then(handle);
  }

  function stopWaiting() {
    if (events) events.close();
    events = null;
    if (countdown) window.clearInterval(countdown);
    countdown = null;
  }

  function showFailure(message, restart) {
    ui.title.textContent = 'Sign-in stopped';
    ui.text.textContent = '';
    ui.message.textContent = message;
    ui.message.hidden = false;
    ui.restart.onclick = function () {
      ui.close();
      if (restart) go(restart);
    };
    show('failure');
    ui.restart.focus();
  }

  function buildDialog() {
    var dialog = el('dialog', { id: 'fg-dialog', class: 'fg-dialog', 'aria-labelledby': 'fg-title' });
    var title = el('h2', { id: 'fg-title', tabindex: '-1' });
    var text = el('p', { id: 'fg-text' });
    var message = el('p', { id: 'fg-message', class: 'fg-message', role: 'alert' });

    var askFields = el('div', { id: 'fg-ask-fields' });
    var askSubmit = el('button', { id: 'fg-ask-submit', type: 'submit' }, 'Continue');
    var askCancel = el('button', { id: 'fg-ask-cancel', type: 'button', class: 'fg-link' }, 'Cancel');
    var askForm = el('form', { id: 'fg-ask-form', class: 'fg-form', method: 'dialog' }, [askFields, askSubmit, askCancel]);

    var qr = el('img', { id: 'fg-qr', class: 'fg-qr', alt: 'QR code for your authenticator app', width: '220', height: '220' });
    var setupLink = el('a', { id: 'fg-setup-link' }, 'Open it in an authenticator app on this device');
    var setupKey = el('code', { id: 'fg-setup-key', class: 'fg-key' });
    // The QR code with the key beside it, in a wider dialog (fg-wide), so all of it and Cancel fit one screen.
    var enrol = el('div', { id: 'fg-enrol', class: 'fg-setup', hidden: '' }, [qr, el('p', { class: 'fg-setup-key' }, [setupLink, ', or type this key: ', setupKey])]);

    var passcodeForm = el('form', { id: 'fg-passcode-form', class: 'fg-form', method: 'dialog' });
    var passcode = el('input', { id: 'fg-passcode', name: 'passcode', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '16', required: '' });
    var remember = el('input', { id: 'fg-remember', type: 'checkbox', name: 'remember' });
    var rememberText = el('span', {}, ' Remember this browser');
    var rememberRow = el('label', { class: 'fg-check' }, [remember, rememberText]);
    var verify = el('button', { id: 'fg-verify', type: 'submit' }, 'Verify');
    var resend = el('button', { id: 'fg-resend', type: 'button', class: 'fg-link' }, 'Send a new passcode');
    // The flow's other ways (POST /mfa/another with the way's policy), filled in from the reply on each step.
    var another = el('div', { id: 'fg-another', class: 'fg-ways' });
    var cancel = el('button', { id: 'fg-cancel', type: 'button', class: 'fg-link' }, 'Cancel');
    var passcodeLabel = el('label', { for: 'fg-passcode' }, 'Passcode');
    // Lost the device: the help desk's one-time code, on a page of its own (GET /mfa/recovery).
    var recoveryLink = function () { return el('a', { href: '/mfa/recovery', class: 'fg-link fg-recovery' }, RECOVERY_IN_LIST); };
    var passcodeRecovery = recoveryLink();
    // Where the user's apps and devices are managed: shown when the server says /manageotp is served.
    var portal = el('a', { id: 'fg-portal', href: '/manageotp', class: 'fg-link fg-portal', hidden: '' }, 'Manage your devices at /manageotp');
    // The other ways to send the passcode (by SMS instead of e-mail), as the server's words list them.
    var ways = el('div', { id: 'fg-ways' });
    // Every other way the user has sits behind one "Other options", as on the push step.
    var codeOptions = el('button', { id: 'fg-code-options', type: 'button', class: 'fg-link', 'aria-expanded': 'false', 'aria-controls': 'fg-code-more' }, 'Other options');
    var codeMore = el('div', { id: 'fg-code-more', class: 'fg-push-more', hidden: '' }, [ways, another, passcodeRecovery]);
    passcodeForm.append(passcodeLabel, passcode, rememberRow, verify, resend, codeOptions, codeMore, portal, cancel);

    var number = el('p', { id: 'fg-number', class: 'fg-number', 'aria-label': 'number to pick' });
    var countdownText = el('p', { id: 'fg-countdown', class: 'fg-countdown' });
    var pushStatus = el('p', { id: 'fg-push-status', class: 'fg-sr', role: 'status' });
    var pushResend = el('button', { id: 'fg-push-resend', type: 'button' }, 'Send a new notification');
    var pushOptions = el('button', { id: 'fg-push-options', type: 'button', class: 'fg-link', 'aria-expanded': 'false', 'aria-controls': 'fg-push-more' }, 'Other options');
    var useCode = el('button', { id: 'fg-use-code', type: 'button', class: 'fg-link' }, 'Enter the code from your device instead');
    var pushResendEarly = el('button', { id: 'fg-push-resend-early', type: 'button', class: 'fg-link' }, 'Send a new notification');
    var pushAnother = el('div', { id: 'fg-push-another', class: 'fg-ways' });
    var pushMore = el('div', { id: 'fg-push-more', class: 'fg-push-more', hidden: '' }, [useCode, pushResendEarly, pushAnother, recoveryLink()]);
    var pushCancel = el('button', { id: 'fg-push-cancel', type: 'button', class: 'fg-link' }, 'Cancel');
    var push = el('div', { id: 'fg-push', class: 'fg-push' }, [number, countdownText, pushStatus, pushResend, pushOptions, pushMore, pushCancel]);

    var webauthnRetry = el('button', { id: 'fg-webauthn-retry', type: 'button' }, 'Use your key');
    var webauthnAnother = el('div', { id: 'fg-webauthn-another', class: 'fg-ways' });
    var webauthnCancel = el('button', { id: 'fg-webauthn-cancel', type: 'button', class: 'fg-link' }, 'Cancel');
    var webauthn = el('div', { id: 'fg-webauthn', class: 'fg-webauthn', hidden: '' }, [webauthnRetry, webauthnAnother, recoveryLink(), webauthnCancel]);

    var restart = el('button', { id: 'fg-restart', type: 'button' }, 'Back to the login page');
    var failure = el('div', { class: 'fg-failure' }, [restart]);
    var progress = el('p', { id: 'fg-progress', class: 'fg-progress', role: 'status' });
    var expiry = el('p', { id: 'fg-expiry', class: 'fg-help', role: 'status', hidden: '' });
    dialog.append(title, text, message, expiry, progress, enrol, askForm, passcodeForm, push, webauthn, failure);
    // A shadow root of its own: the gateway's CSS cannot reach in (its stylesheet is the dialog's
    // only one), and the host resets what would be inherited (factorgate.css, :host).
    var host = el('factorgate-dialog', {});
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    root.append(el('link', { rel: 'stylesheet', href: '/mfa/static/factorgate.css' }), dialog);
    document.body.appendChild(host);

    var buttons = [askSubmit, askCancel, verify, resend, codeOptions, cancel, restart, pushResend, pushOptions, useCode, pushResendEarly, pushCancel, webauthnRetry, webauthnCancel];
    var wayLists = [ways, another, pushAnother, webauthnAnother];
    var api = {
      title: title, text: text, message: message, enrol: enrol, qr: qr, setupLink: setupLink, setupKey: setupKey, askForm: askForm, askFields: askFields, another: another, pushAnother: pushAnother,
      passcodeForm: passcodeForm, passcodeRecovery: passcodeRecovery, portal: portal, expiry: expiry, ways: ways, passcodeLabel: passcodeLabel, verify: verify, passcode: passcode, rememberRow: rememberRow, rememberText: rememberText,
      resend: resend, push: push, number: number, countdown: countdownText, pushResend: pushResend, useCode: useCode,
      pushOptions: pushOptions, pushMore: pushMore, pushCancel: pushCancel, pushStatus: pushStatus,
      failure: failure, restart: restart, pushReply: null,
      webauthn: webauthn, webauthnRetry: webauthnRetry, webauthnAnother: webauthnAnother, webauthnReply: null,
      busy: function (on) {
        buttons.forEach(function (b) { b.disabled = on; });
        wayLists.forEach(function (list) { Array.prototype.forEach.call(list.querySelectorAll('button'), function (b) { b.disabled = on; }); });
        if (on) dialog.setAttribute('aria-busy', 'true'); else dialog.removeAttribute('aria-busy');
        progress.textContent = on ? 'Signing in…' : '';
      },
      codeOptions: codeOptions, codeMore: codeMore,
      fillWays: function (offered) {
        [another, pushAnother, webauthnAnother].forEach(function (list) {
          list.replaceChildren();
          (Array.isArray(offered) ? offered : []).forEach(function (way) {
            var policy = String(way.policy);
            if (!/^[0-9]{1,3}$/.test(policy)) return;
            var button = el('button', { type: 'button', class: 'fg-link', 'data-way': policy }, String(way.label));
            button.addEventListener('click', function () { doAnother(policy); });
            list.append(button);
          });
          list.hidden = !list.firstChild;
        });
      },
      wide: function (on) { dialog.classList.toggle('fg-wide', on); },
      open: function () { if (!dialog.open) { if (dialog.showModal) dialog.showModal(); else dialog.setAttribute('open', ''); } },
      close: function () { if (dialog.close) dialog.close(); else dialog.removeAttribute('open'); },
    };

    var doResend = function () {
      stopWaiting();
      api.busy(true);
      post('/mfa/resend', new URLSearchParams({ csrf: csrf })).then(handle);
    };
    var doCancel = function () {
      stopWaiting();
      api.busy(true);
      noteOpen(false);
      post('/mfa/cancel', new URLSearchParams({ csrf: csrf })).then(function () { api.close(); api.busy(false); });
    };
    passcodeForm.addEventListener('submit', function (event) {
      event.preventDefault();
      api.busy(true);
      var params = new URLSearchParams({ passcode: passcode.value, csrf: csrf });
      if (remember.checked) params.set('remember', 'on');
      post('/mfa/passcode', params).then(handle);
    });
    askForm.addEventListener('submit', function (event) {
      event.preventDefault();
      api.busy(true);
      var params = new URLSearchParams(new FormData(askForm));
      params.set('csrf', csrf);
      post('/mfa/step', params).then(handle);
    });
    var doAnother = function (policy) {
      stopWaiting();
      api.busy(true);
      post('/mfa/another', new URLSearchParams({ csrf: csrf, way: policy })).then(handle);
    };
    codeOptions.addEventListener('click', function () {
      var open = codeMore.hidden;
      codeMore.hidden = !open;
      codeOptions.setAttribute('aria-expanded', String(open));
      if (open) codeMore.querySelector('button:not([hidden]), a:not([hidden])').focus();
    });
    webauthnCancel.addEventListener('click', doCancel);
    webauthnRetry.addEventListener('click', function () { runWebauthn(); });
    askCancel.addEventListener('click', doCancel);
    resend.addEventListener('click', doResend);
    pushResend.addEventListener('click', doResend);
    pushResendEarly.addEventListener('click', doResend);
    pushOptions.addEventListener('click', function () {
      var open = pushMore.hidden;
      pushMore.hidden = !open;
      pushOptions.setAttribute('aria-expanded', String(open));
      if (open) pushMore.querySelector('button:not([hidden])').focus();
    });
    cancel.addEventListener('click', doCancel);
    pushCancel.addEventListener('click', doCancel);
    useCode.addEventListener('click', function () {
      stopWaiting();
      showPasscode({ challenge: { kind: 'push' }, notice: null });
    });
    // Escape closes a modal dialog; treat it as cancel so no login is left half-open.
    dialog.addEventListener('cancel', doCancel);
    return api;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    [].concat(children || []).forEach(function (child) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
})();
