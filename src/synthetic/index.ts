/** Synthetic matte sequences with exactly known geometry (pure TypeScript: tests, demo, benchmarks). */
export * from './scene.ts';
export { CoverageRasterizer } from '../core/coverage.ts';
export * from './geometry.ts';
export { skylinePan, type SkylinePanOptions, type SkylinePanScene, type Building } from './skyline-pan.ts';
export { rotatingBlob, type RotatingBlobOptions, type RotatingBlobScene } from './rotating-blob.ts';
export { regionWithHoles, type RegionWithHolesScene, BIRD_SHAPE } from './region-with-holes.ts';
export { appearingRegion, type AppearingRegionScene } from './appearing-region.ts';
export { edgeShapes, type EdgeShapesScene } from './edge-shapes.ts';
export { softEdges, gaussianBlur, gaussianKernel, type SoftEdgesOptions, type SoftEdgesScene } from './soft-edges.ts';

import type { SceneOptions, SyntheticScene } from './scene.ts';
import { skylinePan } from './skyline-pan.ts';
import { rotatingBlob } from './rotating-blob.ts';
import { regionWithHoles } from './region-with-holes.ts';
import { appearingRegion } from './appearing-region.ts';
import { edgeShapes } from './edge-shapes.ts';

/** Every hard-edged scene by name (wrap one in `softEdges` for soft edges). */
export const SCENES: Readonly<Record<string, (options?: SceneOptions) => SyntheticScene>> = {
  skylinePan,
  rotatingBlob,
  regionWithHoles,
  appearingRegion,
  edgeShapes,
};
