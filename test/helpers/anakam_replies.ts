import { create } from 'xmlbuilder2';

// Replies of an Anakam-style server for nock, built the same way a server would build them.

export function authReply(authKey: string, user = 'alice', status = 'TOKEN_CREATED'): string {
  return create({ version: '1.0' })
    .ele('authResponse')
    .ele('tenant').txt('default').up()
    .ele('userKey').txt(user).up()
    .ele('authKey').txt(authKey).up()
    .ele('applicationKey').txt('/').up()
    .ele('step').txt('1').up()
    .ele('status').txt(status).up()
    .ele('expires').txt(new Date(Date.now() + 300_000).toISOString()).up()
    .end();
}

export function challengeReply(status: string, extra: Record<string, string> = {}, authKey = 'k'): string {
  const root = create({ version: '1.0' }).ele('challengeResponse');
  root.ele('authKey').txt(authKey);
  root.ele('status').txt(status);
  for (const [name, value] of Object.entries(extra)) root.ele(name).txt(value);
  return root.end();
}

/** The <command> word of a challengeRequest body, for nock body matchers. */
export function commandOf(body: unknown): string | undefined {
  const text = typeof body === 'string' ? body : '';
  return /<command>([A-Z_]+)<\/command>/.exec(text)?.[1];
}

/** Text of an element in a request body (tests only; the product parses with xmlbuilder2). */
export function elementOf(body: unknown, name: string): string | undefined {
  const text = typeof body === 'string' ? body : '';
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
}
