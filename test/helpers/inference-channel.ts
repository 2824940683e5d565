/** The panel's and the inference webview's ends of their protocol (panel/inference/protocol.ts) in one process. */
import type { Port, Reply, Request } from '../../panel/inference/protocol.ts';

/** Two ends of a postMessage channel in one process; messages are structured-cloned, as postMessage does. */
export function channel(log: Request[]): [Port<Request, Reply>, Port<Reply, Request>] {
  const toServer = new Set<(m: Request) => void>();
  const toClient = new Set<(m: Reply) => void>();
  const deliver = <M>(listeners: Set<(m: M) => void>, message: M) => setTimeout(() => listeners.forEach((l) => l(structuredClone(message))), 0);
  return [
    { post: (m) => { log.push(m); deliver(toServer, m); }, listen: (l) => { toClient.add(l); return () => toClient.delete(l); } },
    { post: (m) => deliver(toClient, m), listen: (l) => { toServer.add(l); return () => toServer.delete(l); } },
  ];
}
