import { expect } from 'chai';
import { openStore } from '../../src/state/open_store.js';
import { FakeClock } from '../helpers/clock.js';
import { testConfig } from '../helpers/config.js';
import { captureLogs } from '../helpers/log_capture.js';

// The store as the `store` section configures it (src/state/open_store.ts), opened alike by the
// running factorgate and `factorgate admin`.

describe('openStore: the store as the store section configures it', function () {
  this.timeout(10_000);

  it('memory: store.memory.maxEntries bounds it, and each entry pushed out is reported', async () => {
    const logs = captureLogs();
    let evicted = 0;
    const section = { type: 'memory' as const, memory: { maxEntries: 2 }, redis: storeDefaults().redis };
    const { store, reachable } = await openStore(section, { clock: new FakeClock(), logger: logs.logger, onEvict: () => { evicted += 1; } });
    expect(reachable).to.equal(true);
    for (const key of ['a', 'b', 'c']) await store.set(key, key, 60_000);
    expect(evicted).to.equal(1);
    expect(await store.get('a')).to.equal(undefined);
    await store.close();
  });

  it('redis that does not answer: not reachable, and the refusal is a store_error line naming no password', async () => {
    const logs = captureLogs();
    const section = { ...storeDefaults(), type: 'redis' as const, redis: { ...storeDefaults().redis, url: 'redis://127.0.0.1:1', password: 'pw-open-store-7d2a', connectTimeoutMs: 300 } };
    const { store, reachable } = await openStore(section, { clock: new FakeClock(), logger: logs.logger });
    try {
      expect(reachable).to.equal(false);
      const line = logs.lines.find((l) => l.event === 'store_error');
      expect(line).to.include({ level: 'warn', store: 'redis' });
      expect(String(line!.reason)).to.include('ECONNREFUSED');
      expect(logs.text()).not.to.include('pw-open-store-7d2a');
    } finally {
      await store.close();
    }
  });
});

/** The `store` section with every default. */
function storeDefaults() {
  return testConfig('http://127.0.0.1:9').store;
}
