/**
 * Premiere Pro through UXP (25.6+). Premiere's API has no call that creates or edits a mask path, so
 * the sky arrives as a matte: the roto document is rendered to an 8-bit PNG sequence (DESIGN.md,
 * "Mattes on disk") next to roto.json and sky.jsx (for After Effects), the sequence is imported as
 * numbered stills, and in ONE transaction (one undo step) it is laid on the track above the clip and
 * the clip gets a Track Matte Key reading it. Files are written first; the project changes only in
 * the transaction, so a failure before it leaves the project as it was.
 *
 * Names used (Premiere UXP DOM reference): Project.getActiveProject, getActiveSequence,
 * Sequence.getSelection → TrackItemSelection.getTrackItems, VideoClipTrackItem (getName,
 * getProjectItem, getStartTime, getInPoint, getOutPoint, getTrackIndex, getComponentChain),
 * ClipProjectItem.cast + getMediaFilePath, Project.importFiles(paths, suppressUI, bin, asNumberedStills),
 * SequenceEditor.getEditor + createOverwriteItemAction, VideoFilterFactory.createComponent,
 * VideoComponentChain.createAppendComponentAction, Project.lockedAccess + executeTransaction.
 */
import { serializeDocument, type RotoDocument } from '../core/document.ts';
import { renderDocument } from '../core/render.ts';
import { exportJsx } from '../export/jsx.ts';
import { IMAGE_FILE_NAME } from '../core/image-file-name.ts';
import { HostError } from './errors.ts';
import type { FrameRange, FrameSource, Host, HostTarget, OpenFootage, RangeChoice, WriteReport } from './types.ts';

/** Premiere's Track Matte Key effect. */
export const TRACK_MATTE_KEY = 'AE.ADBE Track Matte Key';
const UNDO_NAME = 'Autoroto Sky';

export interface TickTime { readonly seconds: number }
export interface PrAction { readonly __action?: never }

export interface PrTrackItem {
  getName(): Promise<string>;
  getProjectItem(): Promise<unknown>;
  getStartTime(): Promise<TickTime>;
  getInPoint(): Promise<TickTime>;
  getOutPoint(): Promise<TickTime>;
  getTrackIndex(): Promise<number>;
  getComponentChain(): Promise<{ createAppendComponentAction(component: unknown): PrAction }>;
}

export interface PrSequence {
  readonly name: string;
  getSelection(): Promise<{ getTrackItems(): Promise<PrTrackItem[]> }>;
}

export interface PrProject {
  readonly path: string;
  getActiveSequence(): Promise<PrSequence | null>;
  getRootItem(): Promise<{ getItems(): Promise<unknown[]> }>;
  importFiles(paths: string[], suppressUI: boolean, targetBin: unknown, asNumberedStills: boolean): Promise<boolean>;
  lockedAccess(callback: () => void): void;
  executeTransaction(callback: (compound: { addAction(action: PrAction): boolean }) => void, undoName: string): boolean;
}

/** The `premierepro` module: only what the adapter calls. */
export interface PremiereDom {
  Project: { getActiveProject(): Promise<PrProject> };
  ClipProjectItem: { cast(item: unknown): { getMediaFilePath(): Promise<string> } | null };
  SequenceEditor: { getEditor(sequence: PrSequence): { createOverwriteItemAction(item: unknown, time: TickTime, videoTrack: number, audioTrack: number): PrAction } };
  VideoFilterFactory: { createComponent(matchName: string): unknown };
}

/** Where files go, and how a matte becomes a PNG (UXP's storage API and the webview's canvas, in the panel). */
export interface PremiereFiles {
  /** A new folder beside the project for this run's files. */
  makeFolder(projectPath: string, name: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
  /** An 8-bit grayscale PNG, 255 = sky. */
  writeMatte(path: string, width: number, height: number, gray: Uint8Array): Promise<void>;
}

const matteName = (frame: number) => `${String(frame).padStart(6, '0')}.png`;

/** The root bin's item whose media is `path` (importFiles answers only true or false). */
async function itemWithMedia(dom: PremiereDom, project: PrProject, path: string): Promise<unknown> {
  for (const item of await (await project.getRootItem()).getItems()) {
    const clip = dom.ClipProjectItem.cast(item);
    if (clip && (await clip.getMediaFilePath()) === path) return item;
  }
  return null;
}

export function createPremiereUxpHost(dom: PremiereDom, files: PremiereFiles, openFootage: OpenFootage): Host {
  /** The selected clips, in selection order; key = their index in the selection. */
  async function selectedClips(): Promise<{ project: PrProject; sequence: PrSequence; clips: PrTrackItem[] }> {
    const project = await dom.Project.getActiveProject();
    const sequence = await project.getActiveSequence();
    if (!sequence) throw new HostError('missing-comp', 'Open a sequence and select the clip to roto.');
    const clips = await (await sequence.getSelection()).getTrackItems();
    return { project, sequence, clips };
  }

  async function clipOf(target: HostTarget) {
    const found = await selectedClips();
    const clip = found.clips[Number(target.key)];
    if (!clip || (await clip.getName()) !== target.name) throw new HostError('missing-layer', `Clip "${target.name}" is no longer selected. Select it again.`);
    return { ...found, clip };
  }

  return {
    name: 'Premiere Pro (UXP)',

    async selectedTargets() {
      const { sequence, clips } = await selectedClips();
      return Promise.all(clips.map(async (clip, i) => ({ key: String(i), container: sequence.name, name: await clip.getName() })));
    },

    async openFrames(target: HostTarget, choice: RangeChoice): Promise<FrameSource> {
      const { clip } = await clipOf(target);
      const path = await dom.ClipProjectItem.cast(await clip.getProjectItem())?.getMediaFilePath();
      if (!path) throw new HostError('no-video', `Clip "${target.name}" is not footage from a file.`);
      // Premiere's API tells a still from an image sequence by nothing (both are one project item
      // naming their first file), and reading a still's numbered neighbours as its frames would roto
      // the wrong pictures: image clips are refused, saying what reads them.
      if (IMAGE_FILE_NAME.test(path)) {
        throw new HostError('no-video', `Clip "${target.name}" shows images (${path}), and Premiere's API does not say whether that is a still or an image sequence, ` +
          'so this panel reads movie clips only. Run autoroto sky on the file or its sequence and import its mattes/ folder, or roto the sequence in After Effects.');
      }
      const footage = await openFootage(path);
      const inFrame = Math.round((await clip.getInPoint()).seconds * footage.frameRate);
      const outFrame = Math.round((await clip.getOutPoint()).seconds * footage.frameRate) - 1;
      const clipRange = { first: Math.max(0, inFrame), last: Math.min(footage.frameCount - 1, outFrame) };
      const range = typeof choice === 'object'
        ? { first: Math.max(clipRange.first, choice.first), last: Math.min(clipRange.last, choice.last) }
        : clipRange;
      if (range.last < range.first) throw new HostError('empty-range', `Clip "${target.name}" uses no frames of its footage in that range.`);
      return { path, width: footage.width, height: footage.height, frameRate: footage.frameRate, frameCount: footage.frameCount, range, frames: (r) => footage.frames({ start: r.first, end: r.last }) };
    },

    async write(target: HostTarget, doc: RotoDocument, range: FrameRange): Promise<WriteReport> {
      if (doc.masks.length === 0) throw new HostError('write-failed', `Autoroto found no sky in clip "${target.name}", so there is no matte to add. Nothing was changed.`);
      const { project, sequence, clip } = await clipOf(target);
      const folder = await files.makeFolder(project.path, `Autoroto ${target.name}`);
      const written = [`${folder}/roto.json`, `${folder}/sky.jsx`];
      await files.writeText(written[0], serializeDocument(doc));
      await files.writeText(written[1], exportJsx(doc));
      const { width, height } = doc.source;
      const gray = new Uint8Array(width * height);
      for (let f = range.first; f <= range.last; f++) {
        const covered = renderDocument(doc, f);
        for (let i = 0; i < gray.length; i++) gray[i] = covered[i] * 255;
        const path = `${folder}/mattes/${matteName(f)}`;
        await files.writeMatte(path, width, height, gray);
        written.push(path);
      }
      const first = written[2];
      if (!(await project.importFiles([first], true, await project.getRootItem(), true))) {
        throw new HostError('write-failed', `Premiere could not import the matte sequence ${first}. The files are there; nothing in the project was changed.`);
      }
      const matte = await itemWithMedia(dom, project, first);
      if (!matte) throw new HostError('write-failed', `Premiere imported ${first} but it is not in the project's root bin; nothing in the sequence was changed.`);
      const trackIndex = await clip.getTrackIndex();
      const start = await clip.getStartTime();
      const chain = await clip.getComponentChain();
      let applied = false;
      project.lockedAccess(() => {
        applied = project.executeTransaction((compound) => {
          compound.addAction(dom.SequenceEditor.getEditor(sequence).createOverwriteItemAction(matte, start, trackIndex + 1, -1));
          compound.addAction(chain.createAppendComponentAction(dom.VideoFilterFactory.createComponent(TRACK_MATTE_KEY)));
        }, UNDO_NAME);
      });
      if (!applied) throw new HostError('write-failed', `Premiere did not apply the matte to clip "${target.name}"; nothing in the sequence was changed. The matte sequence is in ${folder}.`);
      return { masks: 0, replaced: 0, files: written };
    },
  };
}
