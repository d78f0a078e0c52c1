import { expect } from 'chai';
import { noticeText } from '../../src/login/pages/notices.js';
import { startStack, type Stack } from '../e2e/stack.js';
import { demoSignIn } from '../helpers/demo_login.js';

// "Pushes are paused" says how long at most: the limits' window (limits.windowSeconds), which began
// at the first push it counted, so the pause ends within it. On the page without the script the
// length is the configured one, never one a query names.

describe('the pushes-paused notice says for how long at most', function () {
  this.timeout(30_000);

  it('in minutes or hours, from the window it is given', () => {
    expect(noticeText({ code: 'pushes_paused', pauseSeconds: 900 })).to.include('paused for up to 15 minutes and none was sent now');
    expect(noticeText({ code: 'pushes_paused', pauseSeconds: 3600 })).to.include('paused for up to 1 hour and none was sent now');
    expect(noticeText({ code: 'pushes_paused', pauseSeconds: 60 })).to.include('paused for up to 1 minute and');
  });

  describe('a sign-in whose pushes are spent, with a one-hour window', () => {
    let stack: Stack;
    afterEach(async () => { await stack.close(); });

    it('dave asks for a new push: the dialog and the page without the script both say up to 1 hour, whatever the query says', async () => {
      const flows = { entry: 'password', factors: { password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] }, second: { policies: [{ rule: 'true', action: 'PUSH' }] } } };
      stack = await startStack({}, {}, { overrides: { flows, limits: { pushesPerUser: 1, windowSeconds: 3600 } } });
      const dave = await demoSignIn(stack, 'dave');
      const resent = (await dave.browser.postJson('/mfa/resend', { csrf: String(dave.json.csrf) })).json();
      expect(resent.notice).to.deep.include({ code: 'pushes_paused', pauseSeconds: 3600 });
      expect(resent.notice.message).to.include('paused for up to 1 hour');
      const page = await dave.browser.get('/mfa/passcode?notice=pushes_paused&pauseSeconds=5');
      expect(page.body).to.include('paused for up to 1 hour').and.not.include('5 seconds');
    });
  });
});
