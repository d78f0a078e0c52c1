import nock from 'nock';
import { API_PASSWORD, API_USER, ANAKAM_URL } from './config.js';
import { authReply, challengeReply, commandOf } from './anakam_replies.js';

const BASE = '/tfa/api/5.5/default';
const XML = { 'Content-Type': 'application/xml' };
/** What the server holds for a user with both ways, as GET_PARAMS reports it (masked). */
export const ON_FILE = { email: 'a***@example.com', phone: '***-***-1234' };
const BASIC = `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString('base64')}`;

/** Scripted answers of the two-factor server, one nock interceptor per expected callout. */
export class AnakamScript {
  readonly scope = nock(ANAKAM_URL).matchHeader('authorization', BASIC).matchHeader('content-type', /application\/xml/);
  readonly bodies: string[] = [];

  auth(user: string, authKey: string): this {
    this.scope.post(`${BASE}/auth`).query({ applicationKey: '/', userKey: user }).reply(200, authReply(authKey, user), XML);
    return this;
  }

  step(authKey: string, command: string, status: string, extra: Record<string, string> = {}): this {
    this.scope
      .put(`${BASE}/challenge/${authKey}`, (body) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        if (commandOf(text) !== command) return false;
        this.bodies.push(text);
        return true;
      })
      .reply(200, challengeReply(status, extra, authKey), XML);
    return this;
  }

  /**
   * The passcode path up to the dialog, by e-mail; the server reports the destinations `onFile`
   * (by default an e-mail address and a phone number, so the text message is offered too).
   */
  passcodeSent(user: string, authKey: string, onFile: Record<string, string> = ON_FILE): this {
    return this.auth(user, authKey)
      .step(authKey, 'SELECT_METHOD', 'METHOD_SELECTED')
      .step(authKey, 'GET_PARAMS', 'PASSCODE_SENT', { destination: 'a***@example.com', ...onFile });
  }

  done(): void {
    this.scope.done();
  }
}
