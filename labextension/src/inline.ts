/**
 * The renderers of notebook outputs: `Document(...)` as an inline ONLYOFFICE
 * view (the same OfficePanel as a tab: one session, host page and relay),
 * and `Document(...).open()`, which opens the file in a tab.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Panel, Widget } from '@lumino/widgets';

import {
  DOCUMENT_MIME,
  type IDocumentOutput,
  type IKernelFile,
  type IOutputServices,
  locateFile,
  OPEN_MIME,
  readDocumentOutput,
  readOpenRequest
} from './outputs';
import { actionButtons, element, type IAction, renderError } from './views';
import { OfficePanel } from './widget';

/** `Document(...)`: the file in ONLYOFFICE's embedded viewer, with buttons. */
export class InlineDocument extends Panel implements IRenderMime.IRenderer {
  constructor(
    options: IRenderMime.IRendererOptions,
    services: IOutputServices
  ) {
    super();
    this._services = withLocator(options, services);
    this.addClass('jp-wopi-inline');
    this.addWidget(this._header);
    this._header.addClass('jp-wopi-inline-header');
  }

  /** The file shown, once found on the server. */
  get path(): string | null {
    return this._path;
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const output = readDocumentOutput(model.data[DOCUMENT_MIME]);
    const trans = this._services.env.trans;
    if (!output) {
      this._showProblem(
        trans.__('This output does not name a document to show.'),
        []
      );
      return;
    }
    if (
      this._output &&
      this._output.path === output.path &&
      this._output.serverPath === output.serverPath
    ) {
      return; // the same file redisplayed: the view follows the disk already
    }
    this._output = output;
    const path = await this._services.locate(output);
    if (this.isDisposed) {
      return;
    }
    if (path === null) {
      this._showMissing(output, model);
      return;
    }
    this._path = path;
    // Only the notebook's own (trusted) outputs may start an editing session.
    this._show(output.mode === 'edit' && model.trusted ? 'edit' : 'view');
  }

  dispose(): void {
    this._panel = null;
    super.dispose();
  }

  private _show(mode: 'view' | 'edit'): void {
    const path = this._path;
    const output = this._output;
    if (path === null || output === null) {
      return;
    }
    if (!this._panel) {
      this._panel = new OfficePanel({
        env: this._services.env,
        path: () => this._path ?? path,
        takesFocus: false // the notebook keeps the keyboard
      });
      this._panel.addClass('jp-wopi-inline-view');
      // The editor's Close button ends editing here, back to the preview.
      this._panel.closeRequested.connect(() => this._show('view'));
      // The viewer's own Edit button reopens the panel for editing.
      this._panel.saveStateChanged.connect(this._followPanelMode, this);
      this._problem?.dispose();
      this._problem = null;
      this.addWidget(this._panel);
    }
    this._panel.node.style.height = output.height;
    this._mode = mode;
    this._renderHeader(path);
    this._panel.open(mode === 'edit' ? 'edit' : 'embed');
  }

  private _followPanelMode(panel: OfficePanel): void {
    const mode =
      panel.action === 'embed' || panel.action === 'view' ? 'view' : 'edit';
    if (mode !== this._mode && this._path !== null) {
      this._mode = mode;
      this._renderHeader(this._path);
    }
  }

  private _renderHeader(path: string): void {
    const trans = this._services.env.trans;
    const doc = this.node.ownerDocument;
    const name = element(
      doc,
      'span',
      'jp-wopi-inline-name',
      PathExt.basename(path)
    );
    name.title = path;
    const actions: IAction[] = [
      {
        label: trans.__('Open in Tab'),
        primary: true,
        run: () => this._services.openInTab(path)
      },
      this._mode === 'view'
        ? { label: trans.__('Edit'), run: () => this._show('edit') }
        : { label: trans.__('View'), run: () => this._show('view') }
    ];
    this._header.node.replaceChildren(name, actionButtons(doc, actions).node);
  }

  private _showMissing(
    output: IDocumentOutput,
    model: IRenderMime.IMimeModel
  ): void {
    const trans = this._services.env.trans;
    const name = PathExt.basename(output.path);
    const retry: IAction = {
      label: trans.__('Look Again'),
      primary: true,
      run: () => {
        this._output = null;
        void this.renderModel(model);
      }
    };
    this._showProblem(
      output.outsideRoot
        ? trans.__(
            '%1 is outside the folder this Jupyter server serves, so ONLYOFFICE ' +
              'Docs cannot open it. Save it inside the folder shown in the file ' +
              'browser (the notebook’s folder, for example).',
            output.path
          )
        : trans.__(
            '%1 was not found: neither where the kernel wrote it nor beside ' +
              'this notebook. Run the cell that writes it, then Look Again.',
            name
          ),
      [retry]
    );
  }

  private _showProblem(message: string, actions: IAction[]): void {
    this._header.node.replaceChildren();
    this._panel?.dispose();
    this._panel = null;
    if (!this._problem) {
      this._problem = new Widget();
      this._problem.addClass('jp-wopi-inline-problem');
      this.addWidget(this._problem);
    }
    renderError(this._problem.node, {
      title: this._services.env.trans.__('No document to show'),
      message,
      actions
    });
  }

  private readonly _services: IRendererServices;
  private readonly _header = new Widget();
  private _output: IDocumentOutput | null = null;
  private _path: string | null = null;
  private _panel: OfficePanel | null = null;
  private _problem: Widget | null = null;
  private _mode: 'view' | 'edit' = 'view';
}

/** Open requests already carried out in this page (an output can render twice). */
const handledRequests = new Set<string>();

/**
 * `Document(...).open()`: opens the file in an ONLYOFFICE tab once, and then
 * says so with a way to open it again. The kernel replaces the request with
 * a plain record as soon as it is displayed, so a saved notebook opened
 * later opens nothing by itself.
 */
export class OpenInTabRequest extends Widget implements IRenderMime.IRenderer {
  constructor(
    options: IRenderMime.IRendererOptions,
    services: IOutputServices
  ) {
    super();
    this._services = withLocator(options, services);
    this.addClass('jp-wopi-open-request');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const request = readOpenRequest(model.data[OPEN_MIME]);
    const trans = this._services.env.trans;
    const doc = this.node.ownerDocument;
    if (!request) {
      this.node.replaceChildren();
      return;
    }
    const path = await this._services.locate(request);
    if (this.isDisposed) {
      return;
    }
    if (path === null) {
      this.node.replaceChildren(
        element(
          doc,
          'span',
          'jp-wopi-open-request-text',
          trans.__('%1 was not found, so it cannot be opened.', request.path)
        )
      );
      return;
    }
    const fresh =
      request.request !== null &&
      model.trusted &&
      !handledRequests.has(request.request);
    if (fresh && request.request !== null) {
      handledRequests.add(request.request);
      this._opened = path;
      this._services.openInTab(path, true);
    }
    // The kernel's update (its request removed) re-renders this same output:
    // it keeps saying that it opened the tab.
    const opened = fresh || this._opened === path;
    const open: IAction = {
      label: opened ? trans.__('Open Again') : trans.__('Open in Tab'),
      run: () => this._services.openInTab(path)
    };
    this.node.replaceChildren(
      element(
        doc,
        'span',
        'jp-wopi-open-request-text',
        opened
          ? trans.__('Opened %1 in an ONLYOFFICE tab.', PathExt.basename(path))
          : trans.__('%1 in ONLYOFFICE Docs', PathExt.basename(path))
      ),
      actionButtons(doc, [open]).node
    );
  }

  private readonly _services: IRendererServices;
  /** The file this output opened in a tab, if it did. */
  private _opened: string | null = null;
}

/** The services of one renderer: the lab's, and where its files are. */
export interface IRendererServices extends IOutputServices {
  /** Against its notebook's folder, through the lab's contents. */
  locate(file: IKernelFile): Promise<string | null>;
}

export function withLocator(
  options: IRenderMime.IRendererOptions,
  services: IOutputServices
): IRendererServices {
  const resolver = options.resolver ?? null;
  return {
    env: services.env,
    contents: services.contents,
    openInTab: (path, beside) => services.openInTab(path, beside),
    locate: file => locateFile(file, resolver, services.contents)
  };
}
