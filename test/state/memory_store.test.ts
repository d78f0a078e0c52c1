import { MemoryStore } from '../../src/state/memory_store.js';
import { storeContract } from './store_contract.js';

// The memory store runs the contract on a clock the test moves, so expiry costs no waiting.
storeContract('memory store', async () => {
  let now = 1_000_000;
  const store = new MemoryStore({ now: () => now });
  return {
    store,
    advance: async (ms: number) => {
      now += ms;
    },
  };
});
