// The network thread's entry (network-thread.ts): a worker does not inherit the tsx loader, so it
// registers its own before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./network-worker.ts');
