/**
 * The batch queue: the selected layers of every comp and the comps selected in the Project panel
 * (their selected layers, or else every layer Autoroto can key), run one at a time (analyse + write, no preview)
 * with per-item status; a failing item is reported and the queue goes on; a report at the end.
 */
import { useRef, useState } from 'react';
import { reportLines, runBatch, type BatchSnapshot } from '../src/hosts/batch-queue.ts';
import { analyseOnBackend, writeAnalysis } from '../src/hosts/roto-job.ts';
import type { HostTarget } from '../src/hosts/types.ts';
import { formatEta, messageOf } from './format.ts';
import { rotoOptions, type PanelOptions } from './Options.tsx';
import { clock, useServices } from './services.ts';

/** Share of an item's progress bar given to finding the sky; tracking and writing take the rest. */
const FRAMES_SHARE = 0.85;

export function BatchQueue({ options, onBusy }: { options: PanelOptions; onBusy: (busy: boolean) => void }) {
  const services = useServices();
  const [targets, setTargets] = useState<HostTarget[]>([]);
  const [snapshot, setSnapshot] = useState<BatchSnapshot | null>(null);
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  /** Said once the queue has moved from the GPU to the CPU. */
  const [notice, setNotice] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);

  async function queueSelected() {
    setMessage(null);
    setSnapshot(null);
    try {
      const found = await services.host.selectedTargets();
      setTargets(found);
      if (found.length === 0) setMessage('Nothing to queue. Select the footage layers in one or more comps, or the comps in the Project panel, then queue them.');
    } catch (error) {
      setMessage(messageOf(error));
    }
  }

  async function run() {
    setNotice(null);
    const abort = new AbortController();
    controller.current = abort;
    setRunning(true);
    onBusy(true);
    const now = clock(services);
    const opts = rotoOptions(options);
    try {
      await runBatch(targets, async (target, { signal, onFraction }) => {
        const analysis = await analyseOnBackend(services.host, (backend) => services.createSegmenter(backend), options.backend, target, opts, {
          signal, now, onFallback: setNotice,
          onProgress: (p) => onFraction(p.stage === 'frames' ? FRAMES_SHARE * p.done / p.total : FRAMES_SHARE + 0.05 * p.done),
        });
        const { summary } = await writeAnalysis(services.host, analysis, { signal, now });
        return summary;
      }, { signal: abort.signal, onChange: setSnapshot, now });
    } catch (error) {
      setMessage(messageOf(error));
    } finally {
      setRunning(false);
      onBusy(false);
    }
  }

  const items = snapshot?.items ?? targets.map((target) => ({ target, status: 'queued' as const, fraction: 0, message: undefined, summary: undefined }));
  const failed = snapshot?.finished ? snapshot.items.filter((i) => i.status !== 'done').length : 0;
  return (
    <section aria-label="Batch">
      <div className="ar-row">
        <button type="button" className="ar-button" data-testid="queue" disabled={running} onClick={queueSelected} title="The selected layers of every comp, and every footage layer of the comps selected in the Project panel that have no layers selected">Queue selected layers and comps</button>
        <button type="button" className="ar-button ar-cta" data-testid="run-batch" disabled={running || targets.length === 0} onClick={run}>
          Run {targets.length || ''} item{targets.length === 1 ? '' : 's'}</button>
        {running && <button type="button" className="ar-button" data-testid="cancel-batch" onClick={() => controller.current?.abort()}>Cancel</button>}
      </div>
      {snapshot && !snapshot.finished && <>
        <div className="ar-bar"><div style={{ width: `${Math.round(snapshot.fraction * 100)}%` }} /></div>
        <div className="ar-hint">{formatEta(snapshot.etaSeconds)}</div>
      </>}
      <ul className="ar-queue" data-testid="queue-items">
        {items.map((item) => (
          <li key={item.target.key} data-status={item.status}>
            <div className="ar-item-head">
              <span>{item.target.container} / <b>{item.target.name}</b></span>
              <span className="ar-badge" data-status={item.status}>{item.status}</span>
            </div>
            {item.status === 'running' && <div className="ar-bar"><div style={{ width: `${Math.round(item.fraction * 100)}%` }} /></div>}
            {item.summary && item.status === 'done' && <div className="ar-hint">{item.summary.masks} masks, {item.summary.vertices} vertices, {item.summary.keyframes} keyframes</div>}
            {item.message && <div className="ar-hint" data-testid="item-message">{item.message}</div>}
          </li>
        ))}
      </ul>
      {snapshot?.finished && <>
        <div className="ar-message" data-kind={failed ? 'notice' : 'positive'} data-testid="batch-done">
          {snapshot.items.length - failed} of {snapshot.items.length} layers done{failed ? `, ${failed} not: see below` : ''}.</div>
        <pre className="ar-report" data-testid="batch-report">{reportLines(snapshot.items).join('\n')}</pre>
      </>}
      {notice && <div className="ar-message" data-kind="notice" data-testid="batch-notice">{notice}</div>}
      {message && <div className="ar-message" data-kind="error">{message}</div>}
    </section>
  );
}
