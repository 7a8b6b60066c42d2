import { InMemoryDb } from '@agentmint/core';
import { describeStoreConformance } from './storeConformance.ts';

// The reference: the SQL stores must behave exactly like it through the Store API.
describeStoreConformance({
  name: 'InMemoryDb',
  async open() {
    const store = new InMemoryDb();
    return { store, dispose: () => store.close() };
  },
});
