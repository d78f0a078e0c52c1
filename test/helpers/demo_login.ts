import type { Stack } from '../e2e/stack.js';
import { TestBrowser, type Reply } from './browser.js';

/** The notice a step shows once the user's pushes for the window are spent (limits.windowSeconds 900), word for word. */
export const PUSHES_PAUSED = 'Too many notifications were sent to your device lately, so they are paused for up to 15 minutes and none was sent now. This step still stands: go on with it, try another way if one is offered, or sign in again after that.';

/**
 * A demo user (fixtures/demo-users.yaml, password "<user>-demo-pw") opens the login page and posts
 * their password with its form token, as the dialog does (a JSON answer).
 */
export async function demoSignIn(stack: Stack, user: string, headers: Record<string, string> = {}): Promise<{ browser: TestBrowser; reply: Reply; json: Record<string, any> }> {
  const browser = new TestBrowser(stack.fg.url);
  const page = await browser.get('/vpn/index.html');
  const reply = await browser.post('/mfa/login', { login: user, passwd: `${user}-demo-pw`, fg_csrf: TestBrowser.formToken(page.body) }, { Accept: 'application/json', ...headers });
  return { browser, reply, json: reply.json() };
}
