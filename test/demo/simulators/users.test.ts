import { expect } from 'chai';
import { DEMO_USERS_FILE, loadDemoUsers, parseDemoUsers } from '../../../src/demo/simulators/users.js';

describe('demo users: fixtures/demo-users.yaml', () => {
  it('holds alice (e-mail), bob (e-mail, phone, push), carol (phone only), dave (push) and erin (password only)', () => {
    expect(DEMO_USERS_FILE).to.match(/fixtures\/demo-users\.yaml$/);
    const users = loadDemoUsers();
    expect(Object.keys(users)).to.deep.equal(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(users.erin).to.deep.equal({ password: 'erin-demo-pw' });
    expect(users.alice).to.deep.equal({ password: 'alice-demo-pw', email: 'alice@example.com' });
    expect(users.bob).to.have.all.keys('password', 'email', 'phone', 'push');
    expect(users.dave?.push).to.deep.equal({ pin: '4321' });
    expect(users.carol).to.have.all.keys('password', 'phone');
  });

  it('reports every problem at once, by dotted path', () => {
    const text = `users:
  dave: { password: short, email: not-an-address }
  erin: { email: erin@example.com }
  __proto__: { password: long-enough-pw }
  frank: { password: long-enough-pw, pager: 123 }
`;
    let message = '';
    try {
      parseDemoUsers(text, 'test.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.match(/^test\.yaml: invalid demo users/);
    for (const path of ['users.dave.password', 'users.dave.email', 'users.erin.password', 'users.__proto__', 'users.frank']) {
      expect(message).to.include(`  ${path}`);
    }
  });

  it('refuses a file that is not YAML or lists nobody', () => {
    expect(() => parseDemoUsers('users: [', 'x.yaml')).to.throw(/x\.yaml: not valid YAML/);
    expect(() => parseDemoUsers('users: {}', 'x.yaml')).to.throw(/must list at least one user/);
    expect(() => parseDemoUsers('people: {}', 'x.yaml')).to.throw(/users/);
  });
});
