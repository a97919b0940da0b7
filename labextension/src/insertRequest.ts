/**
 * `Document(...).insert_image(...)` in a notebook: the kernel has asked the
 * server for the image's URL and displays the request once; the lab puts the
 * image into the document's editor open in this lab (the one used last) and
 * says so. The kernel replaces the request with a plain record at once, so
 * a saved notebook opened later inserts nothing by itself.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { type IRendererServices, withLocator } from './inline';
import {
  type IInsertImageRequest,
  INSERT_IMAGE_MIME,
  type IOutputServices,
  readInsertImageRequest
} from './outputs';
import { formatSize } from './versionText';
import { element } from './views';

/** Insert requests already carried out in this page (an output can render twice). */
const handledRequests = new Set<string>();

/** What an output says, and whether it is a failure. */
interface IOutcome {
  readonly text: string;
  readonly failed: boolean;
}

export class InsertImageRequest
  extends Widget
  implements IRenderMime.IRenderer
{
  constructor(
    options: IRenderMime.IRendererOptions,
    services: IOutputServices
  ) {
    super();
    this._services = withLocator(options, services);
    this.addClass('jp-wopi-insert-request');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const request = readInsertImageRequest(model.data[INSERT_IMAGE_MIME]);
    const trans = this._services.env.trans;
    if (!request) {
      this._show({
        text: trans.__('This output does not name a document and an image.'),
        failed: true
      });
      return;
    }
    const fresh =
      request.request !== null &&
      request.image.url !== null &&
      model.trusted &&
      !handledRequests.has(request.request);
    if (fresh && request.request !== null) {
      handledRequests.add(request.request);
      this._outcome = this._carryOut(request);
    }
    // The kernel's update (its request removed) re-renders this same output:
    // it keeps saying what it did.
    const outcome = this._outcome ? await this._outcome : this._record(request);
    if (!this.isDisposed) {
      this._show(outcome);
    }
  }

  /** Insert the image into the document's editor open in this lab. */
  private async _carryOut(request: IInsertImageRequest): Promise<IOutcome> {
    const trans = this._services.env.trans;
    const image = request.image.name || trans.__('the image');
    const name = PathExt.basename(request.path);
    if (request.outsideRoot) {
      return {
        text: trans.__(
          '%1 is outside the folder this Jupyter server serves, so ONLYOFFICE Docs cannot open it, and %2 was not inserted.',
          request.path,
          image
        ),
        failed: true
      };
    }
    const path = await this._services.locate(request);
    if (path === null) {
      return {
        text: trans.__(
          '%1 was not found, so %2 was not inserted.',
          name,
          image
        ),
        failed: true
      };
    }
    // One editor is enough: all editors of a file edit the same document.
    const editor = await this._services.env.editors?.editorOf(path);
    if (!editor?.insertImage(request.image.url!)) {
      const shown = PathExt.basename(path);
      return {
        text: trans.__(
          '%1 is not open for editing in this lab: open it (Document("%1").open() or a double-click) and insert the image again.',
          shown
        ),
        failed: true
      };
    }
    return {
      text: trans.__('Inserted %1 into %2.', image, PathExt.basename(path)),
      failed: false
    };
  }

  /** A request this page did not carry out: what it was, quietly. */
  private _record(request: IInsertImageRequest): IOutcome {
    const trans = this._services.env.trans;
    const { name, size } = request.image;
    return {
      text: trans.__(
        '%1 (%2) was sent to %3’s editor.',
        name || trans.__('An image'),
        formatSize(trans, size),
        PathExt.basename(request.path)
      ),
      failed: false
    };
  }

  private _show(outcome: IOutcome): void {
    const doc = this.node.ownerDocument;
    this.toggleClass('jp-mod-error', outcome.failed);
    const text = element(
      doc,
      'span',
      'jp-wopi-insert-request-text',
      outcome.text
    );
    if (outcome.failed) {
      text.setAttribute('role', 'alert');
    }
    this.node.replaceChildren(text);
  }

  private readonly _services: IRendererServices;
  /** What this output did, once it carried out its request. */
  private _outcome: Promise<IOutcome> | null = null;
}
