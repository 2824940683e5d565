/**
 * A double of the part of Premiere Pro's UXP DOM the Premiere adapter calls (Premiere UXP DOM
 * reference: Project, Sequence, TrackItemSelection, VideoClipTrackItem, ClipProjectItem,
 * SequenceEditor, VideoFilterFactory, VideoComponentChain, CompoundAction). Like Premiere since 26.3,
 * it refuses actions created outside `project.lockedAccess`; a transaction applies all its actions
 * or none, and counts as one undo step. Test-side: the sequence's tracks, the files, the undo log.
 */
import type { PremiereDom, PremiereFiles, PrAction, PrProject, PrSequence, PrTrackItem, TickTime } from '../../src/hosts/premiere-uxp.ts';

interface Action extends PrAction { apply(): void }

export interface PlacedClip { name: string; mediaPath: string; start: number; effects: string[] }

export class PremiereDouble {
  locked = false;
  undoSteps: string[] = [];
  imports: { paths: string[]; asNumberedStills: boolean }[] = [];
  files = new Map<string, string | { width: number; height: number; gray: Uint8Array }>();
  /** Video tracks, bottom first, each a list of clips. */
  tracks: PlacedClip[][] = [[], [], []];
  binItems: { mediaPath: string }[] = [];
  failTransaction = false;

  /** Puts a clip on a video track, selected; in/out are source seconds. */
  addClip(track: number, clip: PlacedClip, inPoint: number, outPoint: number): PrTrackItem {
    this.tracks[track].push(clip);
    const double = this;
    const tick = (seconds: number): TickTime => ({ seconds });
    const item: PrTrackItem = {
      getName: async () => clip.name,
      getProjectItem: async () => ({ mediaPath: clip.mediaPath }),
      getStartTime: async () => tick(clip.start),
      getInPoint: async () => tick(inPoint),
      getOutPoint: async () => tick(outPoint),
      getTrackIndex: async () => track,
      getComponentChain: async () => ({
        createAppendComponentAction: (component: unknown) => double.action(() => clip.effects.push((component as { matchName: string }).matchName)),
      }),
    };
    this.trackItems.push(item);
    return item;
  }

  trackItems: PrTrackItem[] = [];

  action(apply: () => void): Action {
    if (!this.locked) throw new Error('Actions must be created inside project.lockedAccess');
    return { apply };
  }

  readonly sequence: PrSequence = {
    name: 'Harbour edit',
    getSelection: async () => ({ getTrackItems: async () => this.trackItems.slice() }),
  };

  readonly project: PrProject = {
    path: '/projects/harbour.prproj',
    getActiveSequence: async () => this.sequence,
    getRootItem: async () => ({ getItems: async () => this.binItems.slice() }),
    importFiles: async (paths, _suppressUI, _bin, asNumberedStills) => {
      this.imports.push({ paths, asNumberedStills });
      if (!paths.every((p) => this.files.has(p))) return false;
      this.binItems.push({ mediaPath: paths[0] });
      return true;
    },
    lockedAccess: (callback) => {
      this.locked = true;
      try { callback(); } finally { this.locked = false; }
    },
    executeTransaction: (callback, undoName) => {
      const actions: Action[] = [];
      callback({ addAction: (a) => { actions.push(a as Action); return true; } });
      if (this.failTransaction) return false;
      for (const a of actions) a.apply();
      this.undoSteps.push(undoName);
      return true;
    },
  };

  readonly dom: PremiereDom = {
    Project: { getActiveProject: async () => this.project },
    ClipProjectItem: { cast: (item) => ({ getMediaFilePath: async () => (item as { mediaPath: string }).mediaPath }) },
    SequenceEditor: {
      getEditor: () => ({
        createOverwriteItemAction: (item, time, videoTrack) => this.action(() => {
          const mediaPath = (item as { mediaPath: string }).mediaPath;
          this.tracks[videoTrack].push({ name: mediaPath.split('/').pop()!, mediaPath, start: time.seconds, effects: [] });
        }),
      }),
    },
    VideoFilterFactory: { createComponent: (matchName) => ({ matchName }) },
  };

  readonly storage: PremiereFiles = {
    makeFolder: async (projectPath, name) => `${projectPath.replace(/\/[^/]*$/, '')}/${name}`,
    writeText: async (path, text) => { this.files.set(path, text); },
    writeMatte: async (path, width, height, gray) => { this.files.set(path, { width, height, gray: gray.slice() }); },
  };
}
