/** The segment stage: RGB frames → soft full-resolution sky mattes (DESIGN.md). */
export { workingSize, WORK_AREA, type Size } from './working-size.ts';
export { SkyModel, ModelError, type SkyNetwork, webgpuAvailable, type Backend, type BackendChoice, type OrtRuntime, type SessionOptions } from './session.ts';
export { Segmenter, CancelledError, type SegmenterOptions, type SegmentOptions, type SegmentProgress, type SegmentTimings } from './segmenter.ts';
export { requestStagesDevice, stagesDeviceOnDemand } from './gpu-stages.ts';
export { GpuLostError } from './gpu-lost.ts';
export type { StagesDevice } from './shot-stages.ts';
export { DEFAULT_GUIDED_FILTER, refineMatte, upsampleMatte, type GuidedFilterOptions } from './guided-filter.ts';
export { DEFAULT_STABILISER, TemporalStabiliser, type StabiliserOptions } from './stabilise.ts';
export { estimateAffine, IDENTITY_AFFINE, type Affine } from './global-motion.ts';
