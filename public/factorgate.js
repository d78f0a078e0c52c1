// factorgate's login dialog, injected into the gateway's login page. It posts the login form to
// /mfa/login with fetch and runs the second factor in a dialog; every text it shows is set with
// textContent. Without this script the same endpoints answer with server-rendered pages.
(function () {
  'use strict';
  var form = document.querySelector('form[data-factorgate="login"]');
  if (!form || !window.fetch || !window.URLSearchParams) return;

  var csrf = '';
  var ui = buildDialog();

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var submit = form.querySelector('[type="submit"]');
    if (submit) submit.disabled = true;
    post('/mfa/login', new URLSearchParams(new FormData(form))).then(function (reply) {
      if (submit) submit.disabled = false;
      var password = form.querySelector('input[type="password"]');
      if (password) password.value = '';
      handle(reply);
    });
  });

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

  function handle(reply) {
    if (reply.status === 'challenge') {
      csrf = String(reply.csrf || '');
      showChallenge(reply);
    } else if (reply.status === 'done') {
      ui.busy(true);
      go(reply.location);
    } else if (reply.status === 'cancelled') {
      go(reply.restart);
    } else {
      showFailure(reply.message || 'Sign-in stopped. Start again from the login page.', reply.restart);
    }
  }

  // Only paths on this site; never another origin.
  function go(target) {
    var path = typeof target === 'string' && /^\/(?!\/)/.test(target) ? target : '/';
    window.location.assign(path);
  }

  function showChallenge(reply) {
    var challenge = reply.challenge || {};
    ui.title.textContent = 'Enter your passcode';
    ui.text.textContent = challenge.destination ? 'We sent a passcode to ' + challenge.destination + '.' : 'We sent you a passcode.';
    ui.message.textContent = reply.notice && reply.notice.message ? reply.notice.message : '';
    ui.message.hidden = !ui.message.textContent;
    ui.rememberRow.hidden = !challenge.canRememberDevice;
    ui.passcodeForm.hidden = false;
    ui.failure.hidden = true;
    ui.passcode.value = '';
    ui.busy(false);
    ui.open();
    ui.passcode.focus();
  }

  function showFailure(message, restart) {
    ui.title.textContent = 'Sign-in stopped';
    ui.text.textContent = '';
    ui.message.textContent = message;
    ui.message.hidden = false;
    ui.passcodeForm.hidden = true;
    ui.failure.hidden = false;
    ui.restart.onclick = function () {
      ui.close();
      if (restart) go(restart);
    };
    ui.busy(false);
    ui.open();
    ui.restart.focus();
  }

  function buildDialog() {
    var dialog = el('dialog', { id: 'fg-dialog', class: 'fg-dialog', 'aria-labelledby': 'fg-title' });
    var title = el('h2', { id: 'fg-title' });
    var text = el('p', { id: 'fg-text' });
    var message = el('p', { id: 'fg-message', class: 'fg-message', role: 'alert' });
    var passcodeForm = el('form', { id: 'fg-passcode-form', class: 'fg-form', method: 'dialog' });
    var label = el('label', { for: 'fg-passcode' }, 'Passcode');
    var passcode = el('input', { id: 'fg-passcode', name: 'passcode', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '16', required: '' });
    var remember = el('input', { id: 'fg-remember', type: 'checkbox', name: 'remember' });
    var rememberRow = el('label', { class: 'fg-check' }, [remember, ' Remember this device']);
    var verify = el('button', { id: 'fg-verify', type: 'submit' }, 'Verify');
    var resend = el('button', { id: 'fg-resend', type: 'button', class: 'fg-link' }, 'Send a new passcode');
    var cancel = el('button', { id: 'fg-cancel', type: 'button', class: 'fg-link' }, 'Cancel');
    var restart = el('button', { id: 'fg-restart', type: 'button' }, 'Back to the login page');
    var failure = el('div', { class: 'fg-failure' }, [restart]);
    passcodeForm.append(label, passcode, rememberRow, verify, resend, cancel);
    dialog.append(title, text, message, passcodeForm, failure);
    document.body.appendChild(dialog);

    var buttons = [verify, resend, cancel, restart];
    var api = {
      title: title, text: text, message: message, passcodeForm: passcodeForm, passcode: passcode,
      rememberRow: rememberRow, failure: failure, restart: restart,
      busy: function (on) { buttons.forEach(function (b) { b.disabled = on; }); },
      open: function () { if (!dialog.open) { if (dialog.showModal) dialog.showModal(); else dialog.setAttribute('open', ''); } },
      close: function () { if (dialog.close) dialog.close(); else dialog.removeAttribute('open'); },
    };

    passcodeForm.addEventListener('submit', function (event) {
      event.preventDefault();
      api.busy(true);
      var params = new URLSearchParams({ passcode: passcode.value, csrf: csrf });
      if (remember.checked) params.set('remember', 'on');
      post('/mfa/passcode', params).then(handle);
    });
    resend.addEventListener('click', function () {
      api.busy(true);
      post('/mfa/resend', new URLSearchParams({ csrf: csrf })).then(handle);
    });
    cancel.addEventListener('click', function () {
      api.busy(true);
      post('/mfa/cancel', new URLSearchParams({ csrf: csrf })).then(function () { api.close(); api.busy(false); });
    });
    // Escape closes a modal dialog; treat it as cancel so no login is left half-open.
    dialog.addEventListener('cancel', function () {
      post('/mfa/cancel', new URLSearchParams({ csrf: csrf }));
    });
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
