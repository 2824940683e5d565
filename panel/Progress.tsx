/** Per-stage progress with an ETA: frames (segment + trace per frame), tracking, writing. */
import type { Stage, StageProgress } from '../src/hosts/roto-job.ts';
import { formatEta } from './format.ts';

const STAGES: { stage: Stage; label: string }[] = [
  { stage: 'frames', label: 'Finding the sky' },
  { stage: 'track', label: 'Tracking masks' },
  { stage: 'write', label: 'Writing masks' },
];

interface Props {
  progress: StageProgress | null;
  /** Stages this run goes through (no 'write' before the preview). */
  stages?: Stage[];
}

export function ProgressView({ progress, stages = ['frames', 'track'] }: Props) {
  const current = progress?.stage ?? 'frames';
  const index = stages.indexOf(current);
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  return (
    <div className="ar-progress" role="status" aria-live="polite" data-testid="progress">
      <ul className="ar-stages">
        {STAGES.filter((s) => stages.includes(s.stage)).map(({ stage, label }, i) => {
          const state = i < index || (i === index && progress?.done === progress?.total && progress?.etaSeconds === 0) ? 'done' : i === index ? 'active' : 'waiting';
          return (
            <li key={stage} data-state={state} data-stage={stage}>
              <span>{label}</span>
              <span>{stage === current && progress ? (stage === 'frames' ? `frame ${progress.done} of ${progress.total}` : state === 'done' ? 'done' : '…') : state === 'done' ? 'done' : ''}</span>
            </li>
          );
        })}
      </ul>
      <div className="ar-bar"><div style={{ width: `${Math.round(fraction * 100)}%` }} /></div>
      <div className="ar-hint" data-testid="eta">{progress ? formatEta(progress.etaSeconds) : 'starting…'}</div>
    </div>
  );
}
