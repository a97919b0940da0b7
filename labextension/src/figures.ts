/**
 * The image outputs of the notebooks open in the lab, as the picker lists
 * them: one figure per output, newest first, named after its notebook and
 * cell ("analysis.ipynb [12]"). Pure: the picker hands in plain snapshots
 * of the notebooks' models (imagePicker.ts), so the rules are unit-tested.
 */

import { PathExt } from '@jupyterlab/coreutils';

/** The formats ONLYOFFICE inserts, in the order an output's best one is chosen. */
export const INSERTABLE_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/bmp'
] as const;

/** Shown but not inserted: ONLYOFFICE refuses SVG from a URL. */
export const SVG_TYPE = 'image/svg+xml';

/** File extensions of the insertable types, for the name sent with the bytes. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/bmp': '.bmp',
  [SVG_TYPE]: '.svg'
};

/** One output of a cell: its MIME bundle. */
export interface IOutputSnapshot {
  readonly data: Readonly<Record<string, unknown>>;
}

/** A code cell as the picker reads it from the notebook's model. */
export interface ICellSnapshot {
  /** The cell model's id: the figure's identity while the page lives. */
  readonly id: string;
  readonly executionCount: number | null;
  /** The cell's `execution` metadata (recorded when the lab records timing). */
  readonly execution?: unknown;
  /** When this page saw the cell run (ms since the epoch), if it did. */
  readonly ranAt?: number | null;
  readonly outputs: readonly IOutputSnapshot[];
}

export interface INotebookSnapshot {
  /** The notebook's lab path. */
  readonly path: string;
  /** When the notebook was last run or used in this page (ms since the epoch); 0 unknown. */
  readonly lastActivity: number;
  readonly cells: readonly ICellSnapshot[];
}

export interface IFigure {
  /** Unique in one listing: notebook, cell and output. */
  readonly key: string;
  /** The notebook's lab path. */
  readonly notebook: string;
  readonly executionCount: number | null;
  readonly mime: string;
  /** Base64 for the raster types (no line breaks); the SVG text for SVG. */
  readonly data: string;
  /** ONLYOFFICE can insert it (a raster type). */
  readonly insertable: boolean;
  /** When its cell ran (ms since the epoch), when known. */
  readonly time: number | null;
}

/**
 * When a cell ran, from its `execution` metadata (JupyterLab's "record
 * timing"): the kernel's start of it, else its reply; null when absent.
 */
export function executionTime(execution: unknown): number | null {
  if (execution === null || typeof execution !== 'object') {
    return null;
  }
  const times = execution as Record<string, unknown>;
  for (const key of ['iopub.execute_input', 'shell.execute_reply']) {
    const value = times[key];
    if (typeof value === 'string') {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) {
        return time;
      }
    }
  }
  return null;
}

/** The output's image: its best insertable type, else its SVG; null when none. */
export function outputImage(
  output: IOutputSnapshot
): { readonly mime: string; readonly data: string } | null {
  for (const mime of [...INSERTABLE_TYPES, SVG_TYPE]) {
    const text = bundleText(output.data[mime]);
    if (text) {
      return {
        mime,
        // nbformat allows base64 split over lines; the server wants it whole.
        data: mime === SVG_TYPE ? text : text.replace(/\s+/g, '')
      };
    }
  }
  return null;
}

/** "analysis.ipynb [12]": the notebook's name and the cell's execution count. */
export function figureLabel(
  figure: Pick<IFigure, 'notebook' | 'executionCount'>
): string {
  const count = figure.executionCount ?? ' ';
  return `${PathExt.basename(figure.notebook)} [${count}]`;
}

/** A `data:` URL of the figure, for its thumbnail. */
export function figureThumbnail(
  figure: Pick<IFigure, 'mime' | 'data'>
): string {
  return figure.mime === SVG_TYPE
    ? `data:${SVG_TYPE};charset=utf-8,${encodeURIComponent(figure.data)}`
    : `data:${figure.mime};base64,${figure.data}`;
}

/** The name the image takes in the document: "analysis.ipynb [12].png". */
export function figureFileName(
  figure: Pick<IFigure, 'notebook' | 'executionCount' | 'mime'>
): string {
  return figureLabel(figure) + (EXTENSIONS[figure.mime] ?? '');
}

/**
 * The image outputs of `notebooks`, newest first. Each notebook's own figures
 * go by when their cells ran (timing metadata, else when this page saw them
 * run) and otherwise by execution count, later cells first; notebooks are
 * merged by those times, a figure without one standing at its notebook's
 * last activity.
 */
export function collectFigures(
  notebooks: readonly INotebookSnapshot[]
): IFigure[] {
  const lists = notebooks.map(notebook => {
    const figures = notebookFigures(notebook);
    const newest = Math.max(
      notebook.lastActivity,
      ...figures.map(figure => figure.time ?? 0)
    );
    return figures.map(figure => ({
      figure,
      at: figure.time ?? newest
    }));
  });
  // A merge, so that each notebook keeps its own order.
  const merged: IFigure[] = [];
  const heads = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const head = lists[i][heads[i]];
      if (head && (best === -1 || head.at > lists[best][heads[best]].at)) {
        best = i;
      }
    }
    if (best === -1) {
      return merged;
    }
    merged.push(lists[best][heads[best]++].figure);
  }
}

/** One notebook's figures, newest first. */
function notebookFigures(notebook: INotebookSnapshot): IFigure[] {
  const figures: Array<IFigure & { readonly position: number }> = [];
  notebook.cells.forEach((cell, cellIndex) => {
    const time = executionTime(cell.execution) ?? cell.ranAt ?? null;
    cell.outputs.forEach((output, outputIndex) => {
      const image = outputImage(output);
      if (!image) {
        return;
      }
      figures.push({
        key: `${notebook.path}#${cell.id}#${outputIndex}`,
        notebook: notebook.path,
        executionCount: cell.executionCount,
        mime: image.mime,
        data: image.data,
        insertable: image.mime !== SVG_TYPE,
        time,
        position: cellIndex * 1000 + outputIndex
      });
    });
  });
  // Within one kernel session counts and times agree; times win after a restart.
  figures.sort((a, b) => {
    if (a.time !== null && b.time !== null && a.time !== b.time) {
      return b.time - a.time;
    }
    const byCount = (b.executionCount ?? -1) - (a.executionCount ?? -1);
    // One cell's outputs stay in the order the cell made them.
    return byCount || a.position - b.position;
  });
  return figures.map(({ position, ...figure }) => figure);
}

/** A MIME bundle's value as text: a string, or nbformat's list of lines. */
function bundleText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value) && value.every(line => typeof line === 'string')) {
    return value.join('');
  }
  return '';
}
