import { expect } from 'chai';
import { loginsTable } from '../../src/adminweb/pages/logins_page.js';
import { noAppPage } from '../../src/adminweb/pages/sign_in_pages.js';
import type { AdminSession } from '../../src/adminweb/session.js';

// What /admin's pages say, where it depends on what factorgate is configured to offer.

describe('/admin pages (src/adminweb/pages)', () => {
  it('an administrator with nothing to answer the second step with is told what would do: the app, and a passkey only where passkeys are on', () => {
    const withPasskeys = noAppPage(true);
    expect(withPasskeys).to.contain('a code from your own authenticator app or your own passkey, and you have neither set up');
    expect(withPasskeys).to.contain('href="/manageotp"');
    const appOnly = noAppPage(false);
    expect(appOnly).to.contain('a code from your own authenticator app, and you have none set up');
    expect(appOnly).not.to.contain('passkey');
  });

  it('links each waiting sign-in to its user\'s page by the key\'s one spelling, whatever the key holds', () => {
    const session = { user: 'alice', csrf: 'token', administrator: true } as AdminSession;
    const waiting = (user: string) => ({ ref: '0123456789abcdef', user, clientIp: '192.0.2.1', provider: 'anakam', step: 'second: passcode', ageSeconds: 3 });
    const table = loginsTable(session, [waiting('corp/alice'), waiting('50%off'), waiting('zoë')]).toString();
    expect([...table.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1])).to.deep.equal(['/admin/users/corp~2Falice', '/admin/users/50~25off', '/admin/users/zo%C3%AB']);
  });
});
