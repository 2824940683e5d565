/** Mounts the panel into an element with the services its runtime provides (CEP, UXP, a test page). */
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { AutorotoPanel } from './App.tsx';
import { ServicesContext, type PanelServices } from './services.ts';

export function mountPanel(element: Element, services: PanelServices): Root {
  const root = createRoot(element);
  root.render(<StrictMode><ServicesContext.Provider value={services}><AutorotoPanel /></ServicesContext.Provider></StrictMode>);
  return root;
}
