// The segment thread's entry (segment-thread.ts): a worker does not inherit the tsx loader the
// command registered, so it registers its own before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./segment-worker.ts');
