import { expect } from 'chai';
import { noAppPage } from '../../src/adminweb/pages/sign_in_pages.js';

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
});
