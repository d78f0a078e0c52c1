import escapeHtml from 'escape-html';

// The gateway's pages, plain HTML as a NetScaler-style appliance serves them. factorgate
// rewrites the login form, so the form keeps the contract's shape exactly: method post,
// action /cgi/login, fields login and passwd.

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; background: #1d3557; margin: 0; padding: 0 1rem; color: #222; }
  main { background: #fff; box-sizing: border-box; max-width: 24rem; margin: 4rem auto; padding: 1.5rem 2rem 2rem; border-radius: 6px; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  label { display: block; margin-top: .8rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .45rem; font-size: 1rem; }
  button { margin-top: 1.2rem; width: 100%; padding: .55rem; font-size: 1rem; background: #1d3557; color: #fff; border: 0; border-radius: 4px; }
  .error { background: #fde2e1; border: 1px solid #e5a19d; padding: .5rem .7rem; border-radius: 4px; }
  .note { color: #666; font-size: .85rem; margin-top: 1.2rem; }`;

function page(title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}
</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>
`;
}

export function loginPage(showError: boolean): string {
  const error = showError ? '<p class="error" role="alert">Incorrect user name or password. Try again.</p>\n' : '';
  return page('Gateway login', `<h1>Gateway login</h1>
${error}<form method="post" action="/cgi/login" autocomplete="on">
  <label for="login">User name</label>
  <input id="login" name="login" type="text" autocomplete="username" required autofocus>
  <label for="passwd">Password</label>
  <input id="passwd" name="passwd" type="password" autocomplete="current-password" required>
  <button type="submit">Log On</button>
</form>
<p class="note">Simulated NetScaler-style gateway (factorgate demo).</p>`);
}

export function portalPage(user: string): string {
  return page('Gateway portal', `<h1>Gateway portal</h1>
<p>Logged in as <strong id="user">${escapeHtml(user)}</strong>.</p>
<form method="post" action="/cgi/logout"><button type="submit">Log Off</button></form>
<p class="note">Or log off by link: <a href="/cgi/logout">/cgi/logout</a>.</p>`);
}
