import nock from 'nock';

export const LINOTP_URL = 'http://linotp.test';

// nock hands form bodies over parsed (an object) or raw (a string), depending on the content type.
const form = (body: unknown): URLSearchParams =>
  new URLSearchParams(typeof body === 'string' ? body : body && typeof body === 'object' ? (body as Record<string, string>) : '');

/** Scripted answers of a LinOTP-style server (docs/design.md) for nock. */
export class LinotpScript {
  readonly scope: nock.Scope;
  readonly pushes: URLSearchParams[] = [];

  constructor(url = LINOTP_URL) {
    this.scope = nock(url);
  }

  pushStarted(transactionId: string): this {
    this.scope.post('/validate/check', (body) => {
      const f = form(body);
      if (f.get('content_type') !== '0') return false;
      this.pushes.push(f);
      return true;
    }).reply(200, { result: { status: true, value: false }, detail: { transactionid: transactionId, linotp_tokenserial: 'PUSH0001', linotp_tokentype: 'push', message: 'push sent' } });
    return this;
  }

  pushRefused(): this {
    this.scope.post('/validate/check').reply(200, { result: { status: true, value: false }, detail: { message: 'wrong otp pin' } });
    return this;
  }

  status(transactionId: string, verdict: 'open' | 'approved' | 'denied', times = 1): this {
    const entry = verdict === 'open'
      ? { status: 'open', received_tan: false, valid_tan: false, received_count: 0, message: 'waiting' }
      : verdict === 'approved'
        ? { status: 'closed', received_tan: true, valid_tan: true, received_count: 1, message: 'accepted', accept: true }
        : { status: 'closed', received_tan: true, valid_tan: false, received_count: 1, message: 'rejected', reject: true };
    this.scope.post('/validate/check_status', (body) => form(body).get('transactionid') === transactionId).times(times)
      .reply(200, { result: { status: true, value: true }, detail: { transactions: { [transactionId]: entry } } });
    return this;
  }

  code(transactionId: string, accepted: boolean): this {
    this.scope.post('/validate/check', (body) => form(body).get('transactionid') === transactionId)
      .reply(200, { result: { status: true, value: accepted }, detail: { message: accepted ? 'matching 1 tokens' : 'wrong otp value' } });
    return this;
  }
}
