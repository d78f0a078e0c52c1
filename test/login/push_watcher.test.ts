import { expect } from 'chai';
import { PushWatcher, pushChannel } from '../../src/login/push_watcher.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { MemoryNotifier } from '../../src/state/notifier.js';
import { captureLogs } from '../helpers/log_capture.js';
import type { PushVerdict } from '../../src/login/views.js';

describe('push watcher (src/login/push_watcher.ts)', () => {
  it('runs one poller per login however many pages and instances ask, and tells every listener', async () => {
    const store = new MemoryStore();
    const notifier = new MemoryNotifier();
    const answers: PushVerdict[] = ['open', 'open', 'approved'];
    let polls = 0;
    const verdict = async () => answers[Math.min(polls++, answers.length - 1)];
    const make = () => new PushWatcher({ verdict, store, notifier, logger: captureLogs().logger, intervalMs: 10, maxIntervalMs: 20 });
    const [one, two] = [make(), make()]; // two instances sharing a store
    const heard: string[][] = [[], []];
    const done = new Promise<void>((resolve) => {
      notifier.subscribe(pushChannel('L1'), (m) => { heard[0]!.push(m); if (m === 'approved') resolve(); });
    });
    notifier.subscribe(pushChannel('L1'), (m) => heard[1]!.push(m));
    await Promise.all([one.watch('L1'), one.watch('L1'), two.watch('L1'), two.watch('L1')]);
    await done;
    expect(polls).to.equal(3);
    expect(heard[0]).to.deep.equal(['open', 'open', 'approved']);
    expect(heard[1]).to.deep.equal(heard[0]);
    await store.close();
  });

  it('stops when the login is gone, and a later watch starts a new poller', async () => {
    const store = new MemoryStore();
    const notifier = new MemoryNotifier();
    let polls = 0;
    const watcher = new PushWatcher({ verdict: async () => { polls += 1; return undefined; }, store, notifier, logger: captureLogs().logger, intervalMs: 10, maxIntervalMs: 10 });
    await watcher.watch('L2');
    await new Promise((r) => setTimeout(r, 30));
    expect(polls).to.equal(1);
    await watcher.watch('L2');
    await new Promise((r) => setTimeout(r, 30));
    expect(polls).to.equal(2);
    await store.close();
  });

  it('a failing status check is retried, not taken for a verdict', async () => {
    const store = new MemoryStore();
    const notifier = new MemoryNotifier();
    let polls = 0;
    const verdict = async (): Promise<PushVerdict> => {
      polls += 1;
      if (polls === 1) throw new Error('server down');
      return 'denied';
    };
    const heard: string[] = [];
    const finished = new Promise<void>((resolve) => notifier.subscribe(pushChannel('L3'), (m) => { heard.push(m); if (m === 'denied') resolve(); }));
    await new PushWatcher({ verdict, store, notifier, logger: captureLogs().logger, intervalMs: 10, maxIntervalMs: 10 }).watch('L3');
    await finished;
    expect(heard).to.deep.equal(['open', 'denied']);
    await store.close();
  });
});
