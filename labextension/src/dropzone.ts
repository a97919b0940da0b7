/**
 * Drag and drop into ONLYOFFICE: while a drag that started in the lab is in
 * progress (a notebook's image output, dragged natively; files of the file
 * browser, a lumino drag), every panel that can take an image shows a drop
 * zone over its editor. The editor's iframe would swallow the drag's events;
 * the zone catches them instead. Drags from outside the lab (files from the
 * desktop) show no zone, so the editor's own drops are untouched.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { IDisposable } from '@lumino/disposable';

import {
  CONTENTS_DRAG_TYPE,
  type DropContent,
  dropFromFiles,
  dropFromTransfer,
  FIGURE_DRAG_TYPE,
  formatFigureDrag,
  type IFigureDrag,
  readContentsDrag
} from './dropData';
import type { EditorRegistry } from './editors';
import {
  type IInsertEnvironment,
  type ImageSource,
  insertImage,
  refusalText,
  sourceName
} from './insertion';
import { element } from './views';
import type { OfficePanel } from './widget';

export interface IDropZonesOptions {
  readonly editors: EditorRegistry;
  readonly env: IInsertEnvironment;
  /** The notebook figure an output's image shows, or null (notebookFigures.ts). */
  readonly figureOf: (node: Element) => IFigureDrag | null;
  /** Tell the user how a drop went (the lab's notifications). */
  readonly notify: (message: string, kind: 'success' | 'error') => void;
}

type DragKind = 'native' | 'lumino';

/** The parts of lumino's `Drag.Event` (lm-dragenter, lm-drop…) used here. */
interface ILuminoDragEvent extends Event {
  readonly mimeData?: {
    hasData(mime: string): boolean;
    getData(mime: string): unknown;
  };
  readonly proposedAction: string;
  dropAction: string;
}

export class DropZones implements IDisposable {
  constructor(options: IDropZonesOptions) {
    this._options = options;
    const doc = document;
    doc.addEventListener('dragstart', this._onDragStart, true);
    doc.addEventListener('dragend', this._onDragEnd, true);
    doc.addEventListener('drop', this._onDragEnd, true);
    // A native drag's source removed from the page never sends dragend: the
    // first mouse move after it ends the zones instead.
    doc.addEventListener('mousemove', this._onMouseMove, true);
    doc.addEventListener('lm-dragenter', this._onLuminoEnter, true);
    doc.addEventListener('pointerup', this._onPointerUp, true);
    doc.addEventListener('keydown', this._onKeyDown, true);
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Whether drop zones are shown now. */
  get active(): boolean {
    return this._kind !== null;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    const doc = document;
    doc.removeEventListener('dragstart', this._onDragStart, true);
    doc.removeEventListener('dragend', this._onDragEnd, true);
    doc.removeEventListener('drop', this._onDragEnd, true);
    doc.removeEventListener('mousemove', this._onMouseMove, true);
    doc.removeEventListener('lm-dragenter', this._onLuminoEnter, true);
    doc.removeEventListener('pointerup', this._onPointerUp, true);
    doc.removeEventListener('keydown', this._onKeyDown, true);
    this._hide();
  }

  private _onDragStart = (event: DragEvent): void => {
    const image = event.target;
    if (!(image instanceof HTMLImageElement) || !event.dataTransfer) {
      return; // text and links dragged in the lab are not for the editor
    }
    const figure = this._options.figureOf(image);
    if (figure) {
      event.dataTransfer.setData(FIGURE_DRAG_TYPE, formatFigureDrag(figure));
    }
    this._show('native');
  };

  private _onDragEnd = (): void => {
    if (this._kind === 'native') {
      // After the drop handler of the zone, which runs after this capture.
      window.setTimeout(() => this._kind === 'native' && this._hide(), 0);
    }
  };

  private _onMouseMove = (): void => {
    if (this._kind === 'native') {
      this._hide();
    }
  };

  private _onLuminoEnter = (event: Event): void => {
    const drag = event as ILuminoDragEvent;
    if (this._kind === null && drag.mimeData?.hasData(CONTENTS_DRAG_TYPE)) {
      this._show('lumino');
    }
  };

  private _onPointerUp = (): void => {
    if (this._kind === 'lumino') {
      // The drag drops on this same pointerup, after this listener.
      window.setTimeout(() => this._kind === 'lumino' && this._hide(), 0);
    }
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this._kind !== null) {
      window.setTimeout(() => this._hide(), 0);
    }
  };

  private _show(kind: DragKind): void {
    this._hide();
    this._kind = kind;
    for (const panel of this._options.editors.editing()) {
      if (panel.isVisible) {
        this._zones.push(this._zone(panel, kind));
      }
    }
  }

  private _hide(): void {
    this._kind = null;
    for (const zone of this._zones) {
      zone.remove();
    }
    this._zones = [];
  }

  /** The zone over one panel's editor. */
  private _zone(panel: OfficePanel, kind: DragKind): HTMLElement {
    const { trans } = this._options.env;
    const zone = element(document, 'div', 'jp-wopi-dropzone');
    zone.appendChild(
      element(
        document,
        'span',
        'jp-wopi-dropzone-text',
        trans.__('Drop to insert into %1', PathExt.basename(panel.path))
      )
    );
    const over = (on: boolean) => zone.classList.toggle('jp-mod-over', on);
    if (kind === 'native') {
      const accept = (event: DragEvent) => {
        event.preventDefault();
        if (event.dataTransfer) {
          event.dataTransfer.dropEffect = 'copy';
        }
        over(true);
      };
      zone.addEventListener('dragenter', accept);
      zone.addEventListener('dragover', accept);
      zone.addEventListener('dragleave', () => over(false));
      zone.addEventListener('drop', event => {
        event.preventDefault();
        const transfer = event.dataTransfer;
        this._hide();
        void this._drop(
          panel,
          dropFromTransfer(type => transfer?.getData(type) ?? '')
        );
      });
    } else {
      const accept = (event: Event) => {
        const drag = event as ILuminoDragEvent;
        event.preventDefault();
        event.stopPropagation();
        drag.dropAction = drag.proposedAction;
        over(true);
      };
      zone.addEventListener('lm-dragenter', accept);
      zone.addEventListener('lm-dragover', accept);
      zone.addEventListener('lm-dragleave', () => over(false));
      zone.addEventListener('lm-drop', event => {
        const drag = event as ILuminoDragEvent;
        event.preventDefault();
        event.stopPropagation();
        // Nothing moves: the file stays where it is.
        drag.dropAction = 'none';
        const paths = readContentsDrag(
          drag.mimeData?.getData(CONTENTS_DRAG_TYPE)
        );
        this._hide();
        void this._drop(panel, dropFromFiles(paths));
      });
    }
    panel.editorArea.appendChild(zone);
    return zone;
  }

  private async _drop(panel: OfficePanel, content: DropContent): Promise<void> {
    const { env, notify } = this._options;
    const { trans } = env;
    if (content.kind === 'refused') {
      notify(refusalText(trans, content), 'error');
      return;
    }
    const source: ImageSource =
      content.kind === 'file'
        ? content
        : { kind: 'bytes', data: content.data, name: content.name };
    try {
      await insertImage(panel, source, env);
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), 'error');
      return;
    }
    notify(
      trans.__(
        'Inserted %1 into %2.',
        sourceName(source),
        PathExt.basename(panel.path)
      ),
      'success'
    );
  }

  private readonly _options: IDropZonesOptions;
  private _kind: DragKind | null = null;
  private _zones: HTMLElement[] = [];
  private _disposed = false;
}
