/** After writing: masks, vertices, keyframes and the time the run took. */
import type { RotoSummary } from '../src/hosts/roto-job.ts';
import type { WriteReport } from '../src/hosts/types.ts';
import { formatSeconds } from './format.ts';
import { plural } from '../src/core/plural.ts';

export function SummaryView({ summary, report }: { summary: RotoSummary; report: WriteReport }) {
  return (
    <div data-testid="summary">
      <div className="ar-summary">
        <div><b data-testid="summary-masks">{summary.masks}</b>masks</div>
        <div><b data-testid="summary-vertices">{summary.vertices}</b>vertices</div>
        <div><b data-testid="summary-keyframes">{summary.keyframes}</b>keyframes</div>
        <div><b>{formatSeconds(summary.seconds)}</b>time</div>
      </div>
      {report.replaced > 0 && <p className="ar-hint">Replaced {plural(report.replaced, 'earlier Autoroto mask')}; your own masks were left alone.</p>}
      {report.files.length > 0 && <p className="ar-hint">Also saved: {report.files.join(', ')}</p>}
    </div>
  );
}
