/**
 * "Auto-roto sky" on the selected layer: analyse (progress, ETA, Cancel), show the preview, write on
 * the editor's word, then the summary. Cancel or Discard leave the layer as it was.
 */
import { useRef, useState } from 'react';
import { analyseOnBackend, writeAnalysis, type Analysis, type RotoSummary, type StageProgress } from '../src/hosts/roto-job.ts';
import type { HostTarget, WriteReport } from '../src/hosts/types.ts';
import { isCancel, messageOf } from './format.ts';
import type { PanelOptions } from './Options.tsx';
import { rotoOptions } from './Options.tsx';
import { PreviewView } from './Preview.tsx';
import { ProgressView } from './Progress.tsx';
import { clock, useServices } from './services.ts';
import { SummaryView } from './Summary.tsx';

type Phase =
  | { kind: 'idle' }
  | { kind: 'analysing'; target: HostTarget }
  | { kind: 'preview'; analysis: Analysis }
  | { kind: 'writing'; analysis: Analysis }
  | { kind: 'done'; analysis: Analysis; summary: RotoSummary; report: WriteReport }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export function SkyRun({ options, onBusy }: { options: PanelOptions; onBusy: (busy: boolean) => void }) {
  const services = useServices();
  const [phase, setPhaseState] = useState<Phase>({ kind: 'idle' });
  const [progress, setProgress] = useState<StageProgress | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  const setPhase = (next: Phase) => {
    setPhaseState(next);
    onBusy(next.kind === 'analysing' || next.kind === 'writing' || next.kind === 'preview');
  };

  async function start() {
    setNote(null);
    setProgress(null);
    const abort = new AbortController();
    controller.current = abort;
    let targets: HostTarget[];
    try {
      targets = await services.host.selectedTargets();
    } catch (error) {
      return setPhase({ kind: 'failed', message: messageOf(error) });
    }
    if (targets.length === 0) return setPhase({ kind: 'failed', message: 'Select the footage layer to roto in a composition, then click Auto-roto sky.' });
    if (targets.length > 1) setNote(`${targets.length} layers are selected: this runs on "${targets[0].name}" only. Use Batch to roto them all.`);
    const target = targets[0];
    setPhase({ kind: 'analysing', target });
    try {
      const analysis = await analyseOnBackend(services.host, (backend) => services.createSegmenter(backend), options.backend, target, rotoOptions(options),
        { signal: abort.signal, onProgress: setProgress, now: clock(services), onFallback: (said) => setNote((before) => (before ? `${before} ${said}` : said)) });
      if (abort.signal.aborted) return setPhase({ kind: 'cancelled' });
      setPhase({ kind: 'preview', analysis });
    } catch (error) {
      setPhase(isCancel(error, abort.signal) ? { kind: 'cancelled' } : { kind: 'failed', message: messageOf(error) });
    }
  }

  async function write(analysis: Analysis) {
    setPhase({ kind: 'writing', analysis });
    try {
      const { report, summary } = await writeAnalysis(services.host, analysis, { onProgress: setProgress, now: clock(services) });
      setPhase({ kind: 'done', analysis, summary, report });
    } catch (error) {
      setPhase({ kind: 'failed', message: messageOf(error) });
    }
  }

  const busy = phase.kind === 'analysing' || phase.kind === 'writing';
  return (
    <section aria-label="Auto-roto sky">
      <div className="ar-row">
        <button type="button" className="ar-button ar-cta" data-testid="run" disabled={busy || phase.kind === 'preview'} onClick={start}>Auto-roto sky</button>
        {phase.kind === 'analysing' && <button type="button" className="ar-button" data-testid="cancel" onClick={() => controller.current?.abort()}>Cancel</button>}
      </div>
      {note && <div className="ar-message" data-kind="notice">{note}</div>}
      {phase.kind === 'analysing' && <>
        <p className="ar-hint" style={{ margin: '8px 0 0' }}>{phase.target.container} / {phase.target.name}</p>
        <ProgressView progress={progress} />
      </>}
      {(phase.kind === 'preview' || phase.kind === 'writing') && <>
        <h2>Preview</h2>
        <PreviewView doc={phase.analysis.doc} frame={phase.analysis.preview.frame} rgb={phase.analysis.preview.rgb} matte={phase.analysis.preview.matte} />
        {phase.analysis.doc.masks.length === 0 && <div className="ar-message" data-kind="notice">No sky found in frames {phase.analysis.range.first}–{phase.analysis.range.last}: there are no masks to write.</div>}
        <div className="ar-row">
          <button type="button" className="ar-button ar-cta" data-testid="write" disabled={phase.kind === 'writing' || phase.analysis.doc.masks.length === 0}
            onClick={() => write(phase.analysis)}>Write masks to “{phase.analysis.target.name}”</button>
          <button type="button" className="ar-button" data-testid="discard" disabled={phase.kind === 'writing'}
            onClick={() => setPhase({ kind: 'idle' })}>Discard</button>
        </div>
        {phase.kind === 'writing' && <ProgressView progress={progress} stages={['frames', 'track', 'write']} />}
      </>}
      {phase.kind === 'done' && <>
        <div className="ar-message" data-kind="positive" data-testid="done">Masks written to {phase.analysis.target.container} / {phase.analysis.target.name} (one undo step).</div>
        <SummaryView summary={phase.summary} report={phase.report} />
        <PreviewView doc={phase.analysis.doc} frame={phase.analysis.preview.frame} rgb={phase.analysis.preview.rgb} matte={phase.analysis.preview.matte} written />
      </>}
      {phase.kind === 'cancelled' && <div className="ar-message" data-kind="notice" data-testid="cancelled">Cancelled: nothing was written.</div>}
      {phase.kind === 'failed' && <div className="ar-message" data-kind="error" data-testid="error">{phase.message}</div>}
    </section>
  );
}
