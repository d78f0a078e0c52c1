import { expect } from 'chai';
import type { RecentAction } from '../../src/admin/recent_actions.js';
import { homePage } from '../../src/adminweb/pages/home_page.js';
import type { AdminSession } from '../../src/adminweb/session.js';
import { act, signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// /admin's recent actions: the user each was done to is a link to that user's page, by the key's
// one spelling (src/adminweb/user_segment.ts), escaped like every name on the page.

const session = { user: 'alice', csrf: 'token', stage: 'ready', administrator: true } as AdminSession;
const action = (user?: string): RecentAction => ({ time: '2026-12-07T10:00:00.000Z', actor: 'alice', from: '192.0.2.1', action: 'unlock', outcome: 'done', ...(user !== undefined && { user }) });
/** The User cells of the recent-actions table, as markup. */
const userCells = (page: string) => [...page.matchAll(/<td data-label="User">(.*?)<\/td>/g)].map((m) => m[1]);

describe('/admin recent actions link each user to their page', function () {
  this.timeout(30_000);

  it('links a key holding "/", "%", a letter beyond ASCII or markup by its one spelling, its name escaped; not a name that is no key', () => {
    // "Bob" and "<i>Eve</i>" are no keys (keys are folded): an audit line written by hand, whose page would hold nothing.
    const page = homePage(session, [action('corp/alice'), action('50%off'), action('zoë'), action('<b>&"x'), action('Bob'), action('<i>Eve</i>'), action()], 'file');
    expect(userCells(page)).to.deep.equal([
      '<a href="/admin/users/corp~2Falice">corp/alice</a>',
      '<a href="/admin/users/50~25off">50%off</a>',
      '<a href="/admin/users/zo%C3%AB">zoë</a>',
      '<a href="/admin/users/~3Cb~3E~26~22x">&lt;b&gt;&amp;&quot;x</a>',
      'Bob',
      '&lt;i&gt;Eve&lt;/i&gt;',
      '',
    ]);
  });

  describe('through the web view', () => {
    let admin: AdminUnderTest | undefined;
    afterEach(async () => {
      await admin?.close();
      admin = undefined;
    });

    it('after an action on corp/alice the home page\'s link opens corp/alice\'s page', async () => {
      admin = await startAdmin();
      const { browser } = await signedIn(admin);
      const { done } = await act(browser, '/admin/users/corp~2Falice/confirm/unlock');
      expect(done.status).to.equal(303);
      const home = await browser.get('/admin');
      const href = /<td data-label="User"><a href="([^"]+)">corp\/alice<\/a><\/td>/.exec(home.body)?.[1];
      expect(href).to.equal('/admin/users/corp~2Falice');
      const user = await browser.get(href!);
      expect(user.status).to.equal(200);
      expect(user.body).to.contain('<h1>User corp/alice</h1>');
    });
  });
});
