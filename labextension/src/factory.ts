/**
 * The document factories: a model that never holds the file and a widget
 * factory whose widgets are ONLYOFFICE panels.
 *
 * The lab's document context loads a file through its model factory. With
 * `fileFormat: null` it asks the contents API for metadata only
 * (`content=0`), so a 200 MB workbook is never downloaded by the lab:
 * ONLYOFFICE fetches the bytes itself over WOPI.
 */

import {
  ABCWidgetFactory,
  DocumentModel,
  type DocumentRegistry,
  DocumentWidget,
  type IDocumentWidget
} from '@jupyterlab/docregistry';
import type { Contents } from '@jupyterlab/services';
import { Toolbar } from '@jupyterlab/ui-components';

import { describeSaveState, type SaveGuide, SaveStatus } from './saving';
import { MODEL_NAME, type IOfficeEnvironment } from './tokens';
import { OfficePanel } from './widget';

/** The title class the lab uses for documents with unsaved changes. */
const DIRTY_CLASS = 'jp-mod-dirty';

/**
 * An empty model. It reports itself collaborative because, for the lab, that
 * means "saved by someone else, automatically": the lab then disables its
 * Save menu entries and never autosaves it.
 */
export class OfficeModel extends DocumentModel {
  constructor() {
    super({ collaborationEnabled: true });
  }
}

export class OfficeModelFactory implements DocumentRegistry.IModelFactory<OfficeModel> {
  readonly name = MODEL_NAME;
  readonly contentType: Contents.ContentType = 'file';
  /** null: the context fetches metadata, never content (see the module doc). */
  readonly fileFormat: Contents.FileFormat = null;
  /** Not shared through the lab's collaboration drive: ONLYOFFICE co-edits. */
  readonly collaborative = false;

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    this._disposed = true;
  }

  createNew(): OfficeModel {
    return new OfficeModel();
  }

  preferredLanguage(): string {
    return '';
  }

  private _disposed = false;
}

export type OfficeDocument = IDocumentWidget<OfficePanel, OfficeModel>;

export interface IOfficeWidgetFactoryOptions extends DocumentRegistry.IWidgetFactoryOptions<OfficeDocument> {
  readonly env: IOfficeEnvironment;
  /** Answers the lab's Save, Save As and Save All for these documents. */
  readonly saveGuide?: SaveGuide;
}

export class OfficeWidgetFactory extends ABCWidgetFactory<
  OfficeDocument,
  OfficeModel
> {
  constructor(options: IOfficeWidgetFactoryOptions) {
    super(options);
    this._env = options.env;
    this._saveGuide = options.saveGuide ?? null;
  }

  protected createNewWidget(
    context: DocumentRegistry.IContext<OfficeModel>
  ): OfficeDocument {
    const content = new OfficePanel({
      env: this._env,
      path: () => context.path,
      isEmpty: () => context.contentsModel?.size === 0
    });
    const widget = new DocumentWidget({ content, context });
    widget.addClass('jp-wopi-document');
    this._documentsOf(context).add(widget);
    widget.disposed.connect(() => this._documents.get(context)?.delete(widget));
    content.closeRequested.connect(() => widget.close());
    content.dirtyChanged.connect(
      (_, dirty) =>
        (widget.title.className = toggleClass(
          widget.title.className,
          DIRTY_CLASS,
          dirty
        ))
    );
    const status = new SaveStatus(
      () =>
        describeSaveState(this._env.trans, content.saveState, {
          locale: this._env.language()
        }),
      content.saveStateChanged
    );
    widget.toolbar.addItem('spacer', Toolbar.createSpacerItem());
    widget.toolbar.addItem('save-status', status);
    // If the file cannot even be listed, the lab reports it and closes the widget.
    void context.ready.then(() => content.open());
    return widget;
  }

  /**
   * The documents showing a context (New View adds one), created with the
   * guard that answers the lab's saves for all of them.
   */
  private _documentsOf(
    context: DocumentRegistry.IContext<OfficeModel>
  ): Set<OfficeDocument> {
    let documents = this._documents.get(context);
    if (!documents) {
      const found = new Set<OfficeDocument>();
      documents = found;
      this._documents.set(context, found);
      const guide = this._saveGuide;
      guardAgainstLabSaves(context, {
        save: () => guide?.save(found),
        saveAs: () => {
          const [first] = found;
          if (first) {
            guide?.saveAs(first);
          }
        },
        revert: () => found.forEach(document => document.content.reload())
      });
    }
    return documents;
  }

  private readonly _env: IOfficeEnvironment;
  private readonly _saveGuide: SaveGuide | null;
  private readonly _documents = new WeakMap<
    DocumentRegistry.IContext<OfficeModel>,
    Set<OfficeDocument>
  >();
}

/** What the lab's save commands do for an ONLYOFFICE document instead. */
export interface ILabSaveHandlers {
  /** File → Save, Ctrl/Cmd+S outside the editor, Save All. */
  save(): void;
  /** File → Save As. */
  saveAs(): void;
  /** File → Reload from Disk. */
  revert(): void;
}

/**
 * ONLYOFFICE saves through WOPI. A lab save (Ctrl+S outside the panel,
 * File → Save All) would write this empty model over the office file, so
 * the lab's save only tells the user where saving happens; the lab's "Reload
 * from Disk" reloads the editor, which then shows what is on disk.
 *
 * Nor are there lab checkpoints of these files: copying a large workbook at
 * every File → Save is waste, and "Revert to Checkpoint" would write an old
 * copy under an open editor, whose next save would then go to a conflict
 * copy. The lab finds no checkpoints and says so.
 */
export function guardAgainstLabSaves(
  context: DocumentRegistry.Context,
  handlers: ILabSaveHandlers
): void {
  context.save = () => {
    handlers.save();
    return Promise.resolve();
  };
  context.saveAs = () => {
    handlers.saveAs();
    return Promise.resolve(false); // nothing saved under a new name here
  };
  context.revert = () => {
    handlers.revert();
    return Promise.resolve();
  };
  context.createCheckpoint = () => Promise.resolve(NO_CHECKPOINT);
  context.listCheckpoints = () => Promise.resolve([]);
}

/** What createCheckpoint answers: no checkpoint was made. */
const NO_CHECKPOINT: Contents.ICheckpointModel = {
  id: '',
  last_modified: ''
};

/** Add or remove one class in a space-separated class string. */
export function toggleClass(
  classes: string,
  name: string,
  present: boolean
): string {
  const rest = classes.split(/\s+/).filter(c => c && c !== name);
  return (present ? [...rest, name] : rest).join(' ');
}
