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
}

export class OfficeWidgetFactory extends ABCWidgetFactory<
  OfficeDocument,
  OfficeModel
> {
  constructor(options: IOfficeWidgetFactoryOptions) {
    super(options);
    this._env = options.env;
  }

  protected createNewWidget(
    context: DocumentRegistry.IContext<OfficeModel>
  ): OfficeDocument {
    const content = new OfficePanel({
      env: this._env,
      path: () => context.path,
      isEmpty: () => context.contentsModel?.size === 0
    });
    guardAgainstLabSaves(context, () => content.reload());
    const widget = new DocumentWidget({ content, context });
    widget.addClass('jp-wopi-document');
    content.closeRequested.connect(() => widget.close());
    content.dirtyChanged.connect(
      (_, dirty) =>
        (widget.title.className = toggleClass(
          widget.title.className,
          DIRTY_CLASS,
          dirty
        ))
    );
    // If the file cannot even be listed, the lab reports it and closes the widget.
    void context.ready.then(() => content.open());
    return widget;
  }

  private readonly _env: IOfficeEnvironment;
}

/**
 * ONLYOFFICE saves through WOPI. A lab save (Ctrl+S outside the panel,
 * File → Save All) would write this empty model over the office file, so
 * the lab's save does nothing for these contexts; the lab's "Reload from
 * Disk" reloads the editor, which then shows what is on disk.
 */
export function guardAgainstLabSaves(
  context: DocumentRegistry.Context,
  reloadEditor: () => void
): void {
  context.save = () => Promise.resolve();
  context.saveAs = () => Promise.resolve(false);
  context.revert = () => {
    reloadEditor();
    return Promise.resolve();
  };
}

/** Add or remove one class in a space-separated class string. */
export function toggleClass(
  classes: string,
  name: string,
  present: boolean
): string {
  const rest = classes.split(/\s+/).filter(c => c && c !== name);
  return (present ? [...rest, name] : rest).join(' ');
}
