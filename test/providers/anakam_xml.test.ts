import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { create } from 'xmlbuilder2';
import { anakamProfileSchema, type AnakamCommand } from '../../src/providers/anakam/profile.js';
import { buildChallengeRequest, parseReply, type ChallengeFields } from '../../src/providers/anakam/xml.js';
import { AnakamClient } from '../../src/providers/anakam/client.js';
import { FactorgateError } from '../../src/errors.js';
import { captureLogs } from '../helpers/log_capture.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/anakam/${name}`, import.meta.url), 'utf8');
const profile = anakamProfileSchema.parse({});
const KEY = '212e3c0e-1031-4287-9628-6f9686d83193';
const IP = '192.0.2.10';

function client(overrides: Record<string, unknown> = {}) {
  return new AnakamClient({
    baseUrl: 'http://tfa.xml.test', apiUser: 'u', apiPassword: 'p', applicationKey: '/', timeoutMs: 1000, maxSockets: 2,
    profile: anakamProfileSchema.parse(overrides), logger: captureLogs().logger, now: () => Date.now(),
  });
}

function protocolError(fn: () => unknown): FactorgateError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError);
    return err as FactorgateError;
  }
  throw new Error('expected a FactorgateError');
}

describe('Anakam XML: requests', () => {
  const cases: Array<[string, AnakamCommand, ChallengeFields]> = [
    ['select-method', 'selectMethod', { clientIp: IP, method: 'EMAIL' }],
    ['get-params', 'getParams', { clientIp: IP }],
    ['verify-passcode-register', 'verifyPasscode', { clientIp: IP, passcode: '123456', registerDevice: true, registrationHours: 8 }],
    ['verify-passcode', 'verifyPasscode', { clientIp: IP, passcode: '123456', registerDevice: false, registrationHours: 8 }],
    ['verify-device', 'verifyDevice', { clientIp: IP, deviceKey: 'j4cwJn-KcF2YgqfM-9nvjfxggdF6r0jSjcThPlRC03k' }],
    ['complete', 'complete', { clientIp: IP }],
  ];
  for (const [name, command, fields] of cases) {
    it(`builds ${command} exactly as fixtures/anakam/request-${name}.xml`, () => {
      expect(buildChallengeRequest(profile, command, fields)).to.equal(fixture(`request-${name}.xml`).trimEnd());
    });
  }

  it('keeps markup in a value as text: the request structure cannot change', () => {
    const hostile = '</passcode><command>COMPLETE</command><![CDATA[x]]>&amp;';
    const xml = buildChallengeRequest(profile, 'verifyPasscode', { clientIp: IP, passcode: hostile });
    const root = create(xml).root().node as unknown as { childNodes: ArrayLike<{ nodeName: string; textContent: string }> };
    const children = Array.from(root.childNodes).map((n) => [n.nodeName, n.textContent]);
    expect(children).to.deep.equal([['command', 'VERIFY_PASSCODE'], ['clientIp', IP], ['passcode', hostile]]);
  });

  it('uses the profile\'s element and command words', () => {
    const custom = anakamProfileSchema.parse({ elements: { challengeRequest: 'req', command: 'cmd' }, commands: { complete: 'FINISH' } });
    expect(buildChallengeRequest(custom, 'complete', { clientIp: IP })).to.equal(`<?xml version="1.0" encoding="UTF-8"?><req><cmd>FINISH</cmd><clientIp>${IP}</clientIp></req>`);
  });
});

describe('Anakam XML: replies', () => {
  it('reads the auth response sample', () => {
    const values = parseReply(fixture('auth-token-created.xml'), 'authResponse');
    expect(values.get('authKey')).to.equal(KEY);
    expect(values.get('status')).to.equal('TOKEN_CREATED');
  });

  it('refuses an external entity (XXE) reply', () => {
    expect(protocolError(() => parseReply(fixture('reply-xxe.xml'), 'challengeResponse')).code).to.equal('tfa_protocol');
  });

  it('refuses an entity-expansion (billion laughs) reply', () => {
    expect(protocolError(() => parseReply(fixture('reply-billion-laughs.xml'), 'challengeResponse')).code).to.equal('tfa_protocol');
  });

  it('refuses the wrong root, an empty body, HTML, and an oversized element', () => {
    for (const body of [fixture('auth-token-created.xml'), '', '   ', '<html><body>Service Unavailable</body></html>', `<challengeResponse><status>${'A'.repeat(600)}</status></challengeResponse>`]) {
      expect(protocolError(() => parseReply(body, 'challengeResponse')).code).to.equal('tfa_protocol');
    }
    expect(protocolError(() => parseReply(undefined, 'challengeResponse')).code).to.equal('tfa_protocol');
  });
});

describe('Anakam client: every status of the Anakam API', () => {
  afterEach(() => nock.cleanAll());
  const statuses: Array<[string, string, AnakamCommand]> = [
    ['challenge-method-selected.xml', 'methodSelected', 'selectMethod'],
    ['challenge-method-unavailable.xml', 'methodUnavailable', 'selectMethod'],
    ['challenge-passcode-sent.xml', 'passcodeSent', 'getParams'],
    ['challenge-delivery-failed.xml', 'deliveryFailed', 'getParams'],
    ['challenge-authenticated.xml', 'authenticated', 'verifyPasscode'],
    ['challenge-authenticated-device.xml', 'authenticated', 'verifyPasscode'],
    ['challenge-passcode-invalid.xml', 'passcodeInvalid', 'verifyPasscode'],
    ['challenge-passcode-expired.xml', 'passcodeExpired', 'verifyPasscode'],
    ['challenge-locked.xml', 'locked', 'verifyPasscode'],
    ['challenge-device-unknown.xml', 'deviceUnknown', 'verifyDevice'],
    ['challenge-device-expired.xml', 'deviceExpired', 'verifyDevice'],
    ['challenge-complete.xml', 'complete', 'complete'],
    ['challenge-not-authenticated.xml', 'notAuthenticated', 'complete'],
  ];
  for (const [file, status, command] of statuses) {
    it(`maps ${file} to ${status}`, async () => {
      nock('http://tfa.xml.test').put(`/tfa/api/5.5/default/challenge/${KEY}`).reply(200, fixture(file));
      const reply = await client().challenge(KEY, command, { clientIp: IP }, Date.now() + 5000);
      expect(reply.status).to.equal(status);
    });
  }

  it('reads the extra elements: destination, attempts left, device key and expiry', async () => {
    const c = client();
    nock('http://tfa.xml.test').put(`/tfa/api/5.5/default/challenge/${KEY}`).reply(200, fixture('challenge-passcode-invalid.xml'));
    expect(c.value(await c.challenge(KEY, 'verifyPasscode', { clientIp: IP }, Date.now() + 5000), 'attemptsRemaining')).to.equal('2');
    nock('http://tfa.xml.test').put(`/tfa/api/5.5/default/challenge/${KEY}`).reply(200, fixture('challenge-authenticated-device.xml'));
    const device = await c.challenge(KEY, 'verifyPasscode', { clientIp: IP }, Date.now() + 5000);
    expect(c.value(device, 'deviceKey')).to.equal('j4cwJn-KcF2YgqfM-9nvjfxggdF6r0jSjcThPlRC03k');
    expect(c.value(device, 'deviceExpires')).to.equal('2026-03-01T17:00:00.000Z');
  });

  it('treats an unknown status word as a protocol error, never as success', async () => {
    nock('http://tfa.xml.test').put(`/tfa/api/5.5/default/challenge/${KEY}`).reply(200, fixture('challenge-unknown-status.xml'));
    const err = await client().challenge(KEY, 'verifyPasscode', { clientIp: IP }, Date.now() + 5000).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FactorgateError).with.property('code', 'tfa_protocol');
  });

  it('follows a profile with another version, tenant, path and status word', async () => {
    const c = client({ version: '6.0', tenant: 'acme', paths: { challenge: 'challenges' }, statuses: { complete: 'DONE' } });
    const scope = nock('http://tfa.xml.test').put(`/tfa/api/6.0/acme/challenges/${KEY}`).reply(200, `<challengeResponse><status>DONE</status></challengeResponse>`);
    expect((await c.challenge(KEY, 'complete', { clientIp: IP }, Date.now() + 5000)).status).to.equal('complete');
    scope.done();
  });

  it('acquires the auth key with applicationKey and userKey, escaping the user name in the query', async () => {
    const scope = nock('http://tfa.xml.test').post('/tfa/api/5.5/default/auth').query({ applicationKey: '/', userKey: 'dom\\al&ice' }).reply(200, fixture('auth-token-created.xml'));
    expect(await client().acquireAuthKey('dom\\al&ice', Date.now() + 5000)).to.equal(KEY);
    scope.done();
  });

  it('refuses an auth key that could not go into a URL path safely', async () => {
    nock('http://tfa.xml.test').post('/tfa/api/5.5/default/auth').query(true).reply(200, '<authResponse><authKey>../../admin</authKey><status>TOKEN_CREATED</status></authResponse>');
    const err = await client().acquireAuthKey('alice', Date.now() + 5000).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FactorgateError).with.property('code', 'tfa_protocol');
  });

  it('does not call at all once the login deadline has passed', async () => {
    const scope = nock('http://tfa.xml.test').post('/tfa/api/5.5/default/auth').query(true).reply(200, fixture('auth-token-created.xml'));
    const err = await client().acquireAuthKey('alice', Date.now() - 1).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FactorgateError).with.property('code', 'no_login');
    expect(scope.isDone()).to.equal(false);
  });

  it('refuses a reply larger than 64 KiB', async () => {
    nock('http://tfa.xml.test').post('/tfa/api/5.5/default/auth').query(true).reply(200, `<authResponse>${'x'.repeat(70 * 1024)}</authResponse>`);
    const err = await client().acquireAuthKey('alice', Date.now() + 5000).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FactorgateError).with.property('code', 'tfa_protocol');
  });
});

describe('Anakam XML: values that look like markup', () => {
  for (const value of ['a&amp;b', '&lt;command&gt;', '&foo;', ']]>', 'x & y']) {
    it(`carries ${JSON.stringify(value)} as exactly that text`, () => {
      const xml = buildChallengeRequest(profile, 'verifyDevice', { clientIp: IP, deviceKey: value });
      const root = create(xml).root().node as unknown as { childNodes: ArrayLike<{ nodeName: string; textContent: string }> };
      expect(Array.from(root.childNodes).map((n) => n.nodeName)).to.deep.equal(['command', 'clientIp', 'deviceKey']);
      expect(Array.from(root.childNodes)[2]!.textContent).to.equal(value);
    });
  }

  it('refuses control characters instead of dropping them silently', () => {
    expect(protocolError(() => buildChallengeRequest(profile, 'verifyDevice', { clientIp: IP, deviceKey: 'a\u0001b' })).code).to.equal('invalid_input');
  });
});
