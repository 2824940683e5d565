/**
 * What the panel is given by whoever mounts it: a Host (After Effects UXP or CEP, Premiere Pro UXP,
 * or a test double) and a way to make a sky segmenter. The UI never reaches a host API itself, so the
 * same components run in CEP, in UXP and in a test page.
 */
import { createContext, useContext } from 'react';
import type { BackendChoice } from '../src/core/segment/session.ts';
import type { Host, Segmenter } from '../src/hosts/types.ts';

export type { BackendChoice };

export interface PanelServices {
  host: Host;
  /** A fresh segmenter for one shot (its temporal smoothing carries state from frame to frame). */
  createSegmenter(backend: BackendChoice): Promise<Segmenter>;
  /** The backends this runtime can offer (CEP: WASM only); all three when left out. */
  backends?: BackendChoice[];
  /** Milliseconds for progress ETAs and times; performance.now when left out. */
  now?: () => number;
}

export const ServicesContext = createContext<PanelServices | null>(null);

export function useServices(): PanelServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('The Autoroto panel needs <ServicesContext.Provider value={…}> around it.');
  return services;
}

export function clock(services: PanelServices): () => number {
  return services.now ?? (() => performance.now());
}
