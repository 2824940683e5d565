/** The run options: tolerance, feather, minimum region size, frame range and inference backend. */
import type { RotoOptions } from '../src/hosts/roto-job.ts';
import type { BackendChoice } from './services.ts';

export interface PanelOptions {
  /** Empty = the core's default for the frame size. */
  tolerance: string;
  /** Empty = from the matte's edge softness. */
  feather: string;
  /** Empty = the core's default. */
  minArea: string;
  range: 'layer' | 'workArea';
  backend: BackendChoice;
}

export const DEFAULT_OPTIONS: PanelOptions = { tolerance: '', feather: '', minArea: '', range: 'layer', backend: 'auto' };

const BACKEND_LABELS: Record<BackendChoice, string> = { auto: 'Auto (WebGPU, else WASM)', webgpu: 'WebGPU', wasm: 'WASM (CPU)' };

function positive(text: string): number | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function rotoOptions(options: PanelOptions): RotoOptions {
  return { range: options.range, tolerance: positive(options.tolerance), feather: positive(options.feather), minArea: positive(options.minArea) };
}

interface Props {
  value: PanelOptions;
  onChange: (value: PanelOptions) => void;
  backends: BackendChoice[];
  disabled?: boolean;
}

export function OptionsForm({ value, onChange, backends, disabled }: Props) {
  const set = <K extends keyof PanelOptions>(key: K) => (v: PanelOptions[K]) => onChange({ ...value, [key]: v });
  const number = (key: 'tolerance' | 'feather' | 'minArea', placeholder: string) => (
    <input id={`ar-${key}`} type="number" min="0" step="any" placeholder={placeholder} value={value[key]} disabled={disabled}
      onChange={(e) => set(key)(e.currentTarget.value)} />
  );
  return (
    <fieldset className="ar-grid" disabled={disabled} style={{ border: 'none', padding: 0, margin: 0 }}>
      <label htmlFor="ar-tolerance">Tolerance (px)</label>{number('tolerance', 'auto')}
      <label htmlFor="ar-feather">Feather (px)</label>{number('feather', 'from the matte')}
      <label htmlFor="ar-minArea">Min. region (px²)</label>{number('minArea', 'auto')}
      <label htmlFor="ar-range">Frames</label>
      <select id="ar-range" value={value.range} onChange={(e) => set('range')(e.currentTarget.value as PanelOptions['range'])}>
        <option value="layer">Layer in/out</option>
        <option value="workArea">Work area</option>
      </select>
      <label htmlFor="ar-backend">Backend</label>
      <select id="ar-backend" value={value.backend} onChange={(e) => set('backend')(e.currentTarget.value as BackendChoice)}>
        {backends.map((b) => <option key={b} value={b}>{BACKEND_LABELS[b]}</option>)}
      </select>
    </fieldset>
  );
}
