// /manageotp: adds a passkey or security key, or signs in with one; /admin: signs in with one. The portal's other steps are
// plain forms; these need navigator.credentials, driven by @simplewebauthn/browser (webauthn.js,
// loaded before this). Without the script the forms post anyway and the portal says JavaScript
// is needed.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  if (!lib || !window.fetch) return;

  function post(path, params) {
    return fetch(path, {
      method: 'POST', credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    }).then(function (res) { return res.json(); });
  }

  // Only a page of the portals' own.
  function go(reply) {
    if (reply && typeof reply.location === 'string' && /^\/(manageotp|admin)(\?m=[a-z_]+)?$/.test(reply.location)) window.location.assign(reply.location);
  }

  /** A form whose submit asks the server for options, runs the ceremony, and posts its response. */
  function drive(form, ceremony, finishPath, refusal) {
    if (!form) return;
    var error = form.querySelector('.fg-message');
    var button = form.querySelector('[type="submit"]');
    var fail = function (text) {
      button.disabled = false;
      error.textContent = text;
      error.hidden = false;
      return null;
    };
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      button.disabled = true;
      error.hidden = true;
      var csrf = form.querySelector('input[name="csrf"]').value;
      post(form.getAttribute('action'), new URLSearchParams(new FormData(form))).then(function (reply) {
        if (!reply.options) return reply.location ? reply : fail(refusal(reply.error));
        return ceremony({ optionsJSON: reply.options }).then(function (response) {
          return post(finishPath, new URLSearchParams({ csrf: csrf, response: JSON.stringify(response) }));
        }, function () {
          return fail('No key answered: the request was cancelled or timed out, or this key is registered already. Try again.');
        });
      }).then(go, function () {
        fail('The server could not be reached. Check your connection and try again.');
      });
    });
  }

  drive(document.querySelector('form[data-factorgate="add-passkey"]'), lib.startRegistration, '/manageotp/passkeys', function (code) {
    return code === 'name_invalid' ? 'A name must be 1 to 64 characters, without control characters.' : 'You have as many keys as allowed. Remove one first.';
  });
  // /admin's code step uses the same sign-in form, and names where its answer goes (data-finish).
  var signIn = document.querySelector('form[data-factorgate="passkey-signin"]');
  var finish = signIn && signIn.getAttribute('data-finish') === '/admin/passkey' ? '/admin/passkey' : '/manageotp/passkey-signin';
  drive(signIn, lib.startAuthentication, finish, function () {
    return 'Your keys cannot be used right now. Enter a code instead.';
  });
})();
