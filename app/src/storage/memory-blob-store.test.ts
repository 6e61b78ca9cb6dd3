import { runBlobStoreTests } from './blob-store.conformance.ts';
import { MemoryBlobStore } from './memory-blob-store.ts';

runBlobStoreTests('memory', async () => new MemoryBlobStore());
