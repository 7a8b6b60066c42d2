import { InMemoryDb } from '@agentmint/core';
import { describeHumanInTheLoopConformance } from './humanInTheLoopConformance.ts';
import { describeRunInstancesConformance } from './runInstancesConformance.ts';
import { describeStoreConformance, type StoreHarness } from './storeConformance.ts';

// The reference: the SQL stores must behave exactly like it through the Store API.
const harness: StoreHarness = {
  name: 'InMemoryDb',
  async open() {
    const store = new InMemoryDb();
    return { store, dispose: () => store.close() };
  },
};
describeStoreConformance(harness);
describeHumanInTheLoopConformance(harness);
describeRunInstancesConformance({ ...harness, multiProcess: false });
