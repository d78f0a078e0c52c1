import { expect } from 'chai';
import { startStack, type Stack } from '../e2e/stack.js';
import { TestBrowser } from '../helpers/browser.js';

// The passcode page without the script (src/login/pages/passcode.ts) when the recovery code is the
// only other way: said plainly, not as an "Other options" list of one. The dialog does the same
// (test/e2e/login.e2e.test.ts › "…who has only one way to get a passcode…").

async function passcodePage(stack: Stack, user: string): Promise<string> {
  const browser = new TestBrowser(stack.fg.url);
  const login = await browser.get('/vpn/index.html');
  await browser.post('/mfa/login', { login: user, passwd: `${user}-demo-pw`, fg_csrf: TestBrowser.formToken(login.body) });
  return (await browser.get('/mfa/passcode')).body;
}

describe('login: "Other options" with nothing in it but the recovery code', function () {
  this.timeout(30_000);
  let stack: Stack;
  afterEach(async () => { await stack.close(); });

  it('alice (one way to get a passcode, no other way of the flow) is shown the recovery code plainly, not an "Other options" list; bob still gets the list', async () => {
    stack = await startStack();
    const page = await passcodePage(stack, 'alice');
    expect(page).to.include('We sent a passcode to');
    expect(page).not.to.include('Other options');
    expect(page).to.match(/<a href="\/mfa\/recovery" class="fg-link">Lost your device\? Use a recovery code from your help desk<\/a>/);

    const list = await passcodePage(stack, 'bob');
    expect(list).to.include('<summary>Other options</summary>').and.include('Send it by text message instead').and.include('Lost your device? Use a recovery code');
    expect(list).not.to.include('from your help desk</a>');
  });
});
