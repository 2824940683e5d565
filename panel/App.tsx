/** The Autoroto panel: options, the one-layer run with its preview, and the batch queue. */
import { useState } from 'react';
import { BatchQueue } from './Batch.tsx';
import { DEFAULT_OPTIONS, OptionsForm, type PanelOptions } from './Options.tsx';
import { useServices } from './services.ts';
import { SkyRun } from './SkyRun.tsx';
import { PANEL_CSS } from './styles.ts';

type Tab = 'sky' | 'batch';

export function AutorotoPanel() {
  const services = useServices();
  const [tab, setTab] = useState<Tab>('sky');
  const [options, setOptions] = useState<PanelOptions>(DEFAULT_OPTIONS);
  const [busy, setBusy] = useState(false);
  const backends = services.backends ?? ['auto', 'webgpu', 'wasm'];
  const tabButton = (id: Tab, label: string) => (
    <button type="button" role="tab" className="ar-tab" aria-selected={tab === id} data-testid={`tab-${id}`} disabled={busy && tab !== id} onClick={() => setTab(id)}>{label}</button>
  );
  return (
    <div className="ar">
      <style>{PANEL_CSS}</style>
      <div className="ar-tabs" role="tablist">{tabButton('sky', 'Sky')}{tabButton('batch', 'Batch')}
        <span className="ar-hint" style={{ marginLeft: 'auto', alignSelf: 'center' }}>{services.host.name}</span></div>
      <OptionsForm value={options} onChange={setOptions} backends={backends} disabled={busy} />
      {/* Both stay mounted so switching tabs does not lose a preview or a report. */}
      <div hidden={tab !== 'sky'}><SkyRun options={options} onBusy={setBusy} /></div>
      <div hidden={tab !== 'batch'}><BatchQueue options={options} onBusy={setBusy} /></div>
    </div>
  );
}
