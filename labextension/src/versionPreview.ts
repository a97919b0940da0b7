/**
 * The preview pane of the Version History panel: one kept version shown
 * read-only in ONLYOFFICE. The server opens a view session of the version
 * (`POST api/wopi/sessions` with `version`; its file id is
 * `<file id>_v<version id>`), loaded into a frame as an editor is
 * (frame.ts), with a loading line until the viewer reports it has the file.
 */

import type { IDisposable } from '@lumino/disposable';

import { openSession } from './api';
import { EditorFrame } from './frame';
import type { IOfficeEnvironment } from './tokens';
import { renderError, renderLoading } from './views';
import { SLOW_LOAD_MS } from './watchdogs';

/** What the pane needs from the lab. */
export type IPreviewEnvironment = Pick<
  IOfficeEnvironment,
  'trans' | 'serverSettings' | 'language' | 'theme'
>;

/** The version the pane shows. */
export interface IPreviewTarget {
  /** The file's lab path. */
  readonly path: string;
  readonly versionId: string;
  /** The version's time, in words, for the caption and the frame's title. */
  readonly time: string;
}

export interface IVersionPreviewOptions {
  readonly env: IPreviewEnvironment;
  /** The Version History panel, whose visibility decides the keyboard. */
  readonly panel: { readonly node: HTMLElement; readonly isVisible: boolean };
  /** The user closed the preview (its Close button, the viewer's Close). */
  readonly closed: () => void;
  /** Milliseconds to wait for the viewer before showing its frame anyway. */
  readonly slowLoadMs?: number;
}

export class VersionPreview implements IDisposable {
  constructor(options: IVersionPreviewOptions) {
    this._options = options;
    const doc = document;
    const trans = options.env.trans;
    this.node = doc.createElement('section');
    this.node.className = 'jp-wopi-versions-preview';
    this.node.hidden = true;
    const bar = doc.createElement('div');
    bar.className = 'jp-wopi-versions-preview-bar';
    this._caption.className = 'jp-wopi-versions-preview-caption';
    this._caption.id = `jp-wopi-versions-caption-${++captionCount}`;
    this.node.setAttribute('aria-labelledby', this._caption.id);
    const close = doc.createElement('button');
    close.type = 'button';
    close.className = 'jp-mod-styled jp-mod-reject';
    close.textContent = trans.__('Close Preview');
    close.addEventListener('click', () => this._options.closed());
    bar.append(this._caption, close);
    this._note.className = 'jp-wopi-versions-preview-note';
    this._note.setAttribute('role', 'status');
    this._stage.className = 'jp-wopi-versions-preview-stage';
    this._overlay.className = 'jp-wopi-panel-overlay';
    this._stage.appendChild(this._overlay);
    this.node.append(bar, this._note, this._stage);
  }

  readonly node: HTMLElement;

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The version shown, or null. */
  get target(): IPreviewTarget | null {
    return this._target;
  }

  /** Show a version (again, after the frame moved in the DOM). */
  show(target: IPreviewTarget): void {
    this._target = target;
    void this._load(target);
  }

  /** Load the version shown again (the frame was moved and emptied). */
  reload(): void {
    if (this._target) {
      this.show(this._target);
    }
  }

  /** Close the viewer and hide the pane. */
  clear(): void {
    this._generation++;
    this._target = null;
    this._teardown();
    this._note.textContent = '';
    this._overlay.replaceChildren();
    this.node.hidden = true;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this.clear();
    this._disposed = true;
  }

  private async _load(target: IPreviewTarget): Promise<void> {
    const { env } = this._options;
    const trans = env.trans;
    const generation = ++this._generation;
    this._teardown();
    this.node.hidden = false;
    this._caption.textContent = trans.__(
      'Version of %1 (read-only)',
      target.time
    );
    this._caption.title = this._caption.textContent;
    this._note.textContent = '';
    this._setReady(false);
    renderLoading(
      this._overlay,
      trans.__('Opening the version of %1…', target.time)
    );
    const theme = env.theme();
    let session;
    try {
      session = await openSession(
        {
          path: target.path,
          action: 'view',
          version: target.versionId,
          language: env.language(),
          ...(theme ? { theme } : {})
        },
        env.serverSettings
      );
    } catch (error) {
      if (generation === this._generation && !this._disposed) {
        renderError(this._overlay, {
          title: trans.__('The version of %1 could not be shown', target.time),
          message: error instanceof Error ? error.message : String(error),
          actions: [
            {
              label: trans.__('Retry'),
              primary: true,
              run: () => this.show(target)
            }
          ]
        });
      }
      return;
    }
    if (generation !== this._generation || this._disposed) {
      return;
    }
    const reveal = () => {
      if (generation === this._generation) {
        this._setReady(true);
      }
    };
    this._frame = new EditorFrame({
      container: this._stage,
      session,
      title: trans.__(
        'ONLYOFFICE Docs: version of %1 (read-only)',
        target.time
      ),
      handlers: {
        loaded: reveal,
        close: () => this._options.closed(),
        edit: () => this._explainEditing(), // a version is never edited
        edited: () => undefined,
        versions: () => undefined, // the history is beside it already
        insertImage: () => undefined // a preview is read-only
      },
      panel: this._options.panel,
      takesFocus: false
    });
    // A viewer that stays silent is shown anyway, rather than a spinner forever.
    this._slowLoad = window.setTimeout(
      reveal,
      this._options.slowLoadMs ?? SLOW_LOAD_MS
    );
  }

  /** The viewer's Edit button: a version is edited by restoring it first. */
  private _explainEditing(): void {
    this._note.textContent = this._options.env.trans.__(
      'A version cannot be edited. To work on it, restore it (Restore in its ' +
        'row) and open the file, or download it.'
    );
  }

  private _setReady(ready: boolean): void {
    this.node.classList.toggle('jp-mod-ready', ready);
    if (ready) {
      this._overlay.replaceChildren();
    }
  }

  private _teardown(): void {
    this._frame?.dispose();
    this._frame = null;
    window.clearTimeout(this._slowLoad);
  }

  private readonly _options: IVersionPreviewOptions;
  private readonly _caption = document.createElement('h3');
  private readonly _note = document.createElement('p');
  private readonly _stage = document.createElement('div');
  private readonly _overlay = document.createElement('div');
  private _frame: EditorFrame | null = null;
  private _target: IPreviewTarget | null = null;
  private _generation = 0;
  private _slowLoad = 0;
  private _disposed = false;
}

let captionCount = 0;
