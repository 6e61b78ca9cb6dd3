// Node has no IndexedDB and no navigator: storage tests of the app run on fake-indexeddb.
import 'fake-indexeddb/auto';

// lightning-fs reads `navigator` at import (docs/STACK.md gotcha 1).
(globalThis as { navigator?: unknown }).navigator ??= {};
