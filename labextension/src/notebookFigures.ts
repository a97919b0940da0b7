/**
 * The image outputs of the notebooks open in the lab, read from their
 * models: the picker's "Notebook figures" (ordered by figures.ts), and the
 * figure a dragged output image shows. Remembers when this page saw each
 * cell run and each notebook used, for notebooks that record no timing.
 */

import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { NotebookActions } from '@jupyterlab/notebook';

import type { IFigureDrag } from './dropData';
import {
  collectFigures,
  type ICellSnapshot,
  type IFigure,
  type INotebookSnapshot,
  outputImage
} from './figures';

/** The parts of a code cell's model read here (JupyterLab 4's ICodeCellModel). */
interface ICodeCellLike {
  readonly id: string;
  readonly type: string;
  readonly executionCount?: number | null;
  getMetadata(key: string): unknown;
  readonly outputs?: {
    readonly length: number;
    get(index: number): { readonly data: Readonly<Record<string, unknown>> };
  };
}

export class NotebookFigures {
  constructor(tracker: INotebookTracker) {
    this._tracker = tracker;
    NotebookActions.executed.connect((_, { notebook, cell }) => {
      const now = Date.now();
      this._ranAt.set(cell.model.id, now);
      const panel = this._panels().find(panel => panel.content === notebook);
      if (panel) {
        this._activity.set(panel.id, now);
      }
    });
    tracker.currentChanged.connect((_, panel) => {
      if (panel) {
        this._activity.set(panel.id, Date.now());
      }
    });
  }

  /** The figures of every open notebook, newest first. */
  figures(): IFigure[] {
    return collectFigures(this._panels().map(panel => this._snapshot(panel)));
  }

  /** The figure shown by `node` (an output's image), or null. */
  figureOf(node: Element): IFigureDrag | null {
    const panel = this._panels().find(panel => panel.node.contains(node));
    const cell = panel?.content.widgets.find(cell => cell.node.contains(node));
    if (!panel || !cell || cell.model.type !== 'code') {
      return null;
    }
    const model = cell.model as unknown as ICodeCellLike;
    const area = (
      cell as unknown as {
        outputArea?: { widgets: readonly { node: HTMLElement }[] };
      }
    ).outputArea;
    const index =
      area?.widgets.findIndex(child => child.node.contains(node)) ?? -1;
    if (index < 0 || !model.outputs || index >= model.outputs.length) {
      return null;
    }
    const image = outputImage(model.outputs.get(index));
    return image
      ? {
          notebook: panel.context.path,
          executionCount: model.executionCount ?? null,
          mime: image.mime,
          data: image.data
        }
      : null;
  }

  private _panels(): NotebookPanel[] {
    const panels: NotebookPanel[] = [];
    this._tracker.forEach(panel => panels.push(panel));
    return panels;
  }

  private _snapshot(panel: NotebookPanel): INotebookSnapshot {
    const cells: ICellSnapshot[] = [];
    const model = panel.content.model;
    for (const cell of model?.cells ?? []) {
      const code = cell as unknown as ICodeCellLike;
      if (code.type !== 'code' || !code.outputs) {
        continue;
      }
      const outputs = [];
      for (let i = 0; i < code.outputs.length; i++) {
        outputs.push({ data: code.outputs.get(i).data });
      }
      cells.push({
        id: code.id,
        executionCount: code.executionCount ?? null,
        execution: code.getMetadata('execution'),
        ranAt: this._ranAt.get(code.id) ?? null,
        outputs
      });
    }
    return {
      path: panel.context.path,
      lastActivity: this._activity.get(panel.id) ?? 0,
      cells
    };
  }

  private readonly _tracker: INotebookTracker;
  private readonly _ranAt = new Map<string, number>();
  private readonly _activity = new Map<string, number>();
}
