import { expect } from 'chai';
import { PUSH_NOT_AVAILABLE, pushTokenListerFor } from '../../src/admin/push_tokens.js';
import { FactorgateError } from '../../src/errors.js';
import { linotpConfigSchema } from '../../src/providers/linotp/config.js';
import { captureLogs } from '../helpers/log_capture.js';

// The one place a user's push-token listing is built from the `linotp` section
// (pushTokenListerFor, src/admin/push_tokens.ts): the running factorgate's /admin and
// `factorgate admin` both take it from here, so what the section says reaches the listing, whoever
// builds it. A stand-in client records the deadline each listing is given.

const NOW = 1_800_000_000_000;

/** A client whose listing answers `answer`, noting each deadline it is given. */
function recordingClient(answer: () => Promise<[]>) {
  const deadlines: number[] = [];
  return { deadlines, client: { listPushTokens: (_user: string, deadline: number) => { deadlines.push(deadline); return answer(); } } };
}

describe('pushTokenListerFor: the push-token listing as the linotp section configures it', () => {
  const logs = captureLogs();

  it('no linotp section, or no client: no listing (the administrator is told there is no push server)', () => {
    const { client } = recordingClient(() => Promise.resolve([]));
    expect(pushTokenListerFor(undefined, client, { logger: logs.logger, now: () => NOW })).to.equal(undefined);
    expect(pushTokenListerFor(linotpConfigSchema.parse({ urls: ['http://linotp.test'] }), undefined, { logger: logs.logger, now: () => NOW })).to.equal(undefined);
  });

  it('each listing is bounded by linotp.timeoutMs from the clock it is given', async () => {
    const { client, deadlines } = recordingClient(() => Promise.resolve([]));
    const list = pushTokenListerFor(linotpConfigSchema.parse({ urls: ['http://linotp.test'], timeoutMs: 1234 }), client, { logger: logs.logger, now: () => NOW });
    expect(await list!('bob')).to.deep.equal([]);
    expect(deadlines).to.deep.equal([NOW + 1234]);
  });

  it('a listing the server does not give is "not available" and one push_tokens_unavailable line in the logger it is given', async () => {
    const { client } = recordingClient(() => Promise.reject(new FactorgateError('tfa_unavailable', 'listing refused', { status: 403 })));
    const list = pushTokenListerFor(linotpConfigSchema.parse({ urls: ['http://linotp.test'] }), client, { logger: logs.logger, now: () => NOW });
    expect(await list!('bob')).to.equal(PUSH_NOT_AVAILABLE);
    expect(logs.lines.filter((l) => l.event === 'push_tokens_unavailable')).to.have.length(1);
    expect(logs.lines.find((l) => l.event === 'push_tokens_unavailable')).to.include({ user: 'bob', code: 'tfa_unavailable' });
  });
});
