/**
 * The image picker: ONLYOFFICE's Image → From Storage answered by the lab.
 * Two sources, each a keyboard-operable list: the figures of the notebooks
 * open in the lab (figures.ts), and the workspace's image files (the
 * server's `api/wopi/images`), from the document's folder or the whole
 * workspace. Choosing one inserts it (insertion.ts); the dialog stays open
 * with the server's sentence when that fails.
 */

import { Dialog } from '@jupyterlab/apputils';
import { PathExt, URLExt } from '@jupyterlab/coreutils';
import { UUID } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

import { fetchWorkspaceImages } from './api';
import {
  figureFileName,
  figureLabel,
  figureThumbnail,
  type IFigure
} from './figures';
import {
  type IImageTarget,
  type IInsertEnvironment,
  type ImageSource,
  insertImage,
  sourceName,
  svgText
} from './insertion';
import { formatSize } from './versionText';
import { actionButtons, element, renderLoading } from './views';
import type { IImageList, IWorkspaceImage } from './wire';

export interface IImagePickerOptions {
  readonly env: IInsertEnvironment;
  /** The editor the image goes into. */
  readonly target: IImageTarget;
  /** The notebooks' figures now, newest first. */
  readonly figures: () => readonly IFigure[];
}

/** One choice of the lists. */
interface IChoice {
  readonly source: ImageSource | null; // null: listed, not insertable (SVG)
  readonly node: HTMLElement;
}

/**
 * Where the arrow keys move in a list of `count` items from `index`; null for
 * other keys.
 */
export function moveKey(
  key: string,
  index: number,
  count: number
): number | null {
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return Math.min(count - 1, index + 1);
    case 'ArrowUp':
    case 'ArrowLeft':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** The folder the workspace list starts at: the document's. */
export function documentFolder(path: string): string {
  const folder = PathExt.dirname(path);
  return folder === '.' ? '' : folder;
}

/** Show the picker for one editor; resolves when it closes. */
export async function showImagePicker(
  options: IImagePickerOptions
): Promise<void> {
  const trans = options.env.trans;
  const body = new ImagePickerBody(options);
  const dialog = new Dialog({
    title: trans.__(
      'Insert an image into %1',
      PathExt.basename(options.target.path)
    ),
    body,
    buttons: [Dialog.cancelButton({ label: trans.__('Close') })],
    focusNodeSelector: '.jp-wopi-picker-item[tabindex="0"]'
  });
  dialog.addClass('jp-wopi-picker-dialog');
  body.inserted = () => dialog.resolve(0);
  await dialog.launch();
}

/** The dialog's body: the two lists and what inserting is doing. */
export class ImagePickerBody extends Widget {
  constructor(options: IImagePickerOptions) {
    super();
    this._options = options;
    this._folder = documentFolder(options.target.path);
    this.addClass('jp-wopi-picker');
    const doc = this.node.ownerDocument;
    const trans = options.env.trans;
    this._figures = this._section(trans.__('Notebook figures'));
    this._workspace = this._section(trans.__('Workspace images'));
    this._status.className = 'jp-wopi-picker-status';
    this._status.setAttribute('role', 'status');
    this._insertButton = actionButtons(doc, [
      {
        label: trans.__('Insert'),
        primary: true,
        run: () => this._insertSelected()
      }
    ]);
    this._insertButton.first!.disabled = true;
    const footer = element(doc, 'div', 'jp-wopi-picker-footer');
    footer.append(this._status, this._insertButton.node);
    // The lists scroll; what inserting says, and Insert, stay in view.
    const sources = element(doc, 'div', 'jp-wopi-picker-sources');
    sources.append(this._figures.section, this._workspace.section);
    this.node.append(sources, footer);
    this._renderFigures();
    void this._loadWorkspace();
    // Until the user acts, the first image listed takes the keyboard.
    doc.addEventListener('keydown', this._onUserMove, true);
    doc.addEventListener('pointerdown', this._onUserMove, true);
  }

  dispose(): void {
    this._onUserMove();
    super.dispose();
  }

  /** The user acted: the keyboard stays where they put it. */
  private _onUserMove = (): void => {
    this._awaitingFocus = false;
    const doc = this.node.ownerDocument;
    doc.removeEventListener('keydown', this._onUserMove, true);
    doc.removeEventListener('pointerdown', this._onUserMove, true);
  };

  /** Called once an image went into the editor (the dialog then closes). */
  inserted: () => void = () => undefined;

  private _section(title: string): {
    section: HTMLElement;
    tools: HTMLElement;
    list: HTMLElement;
  } {
    const doc = this.node.ownerDocument;
    const section = element(doc, 'section', 'jp-wopi-picker-section');
    const heading = element(doc, 'h3', 'jp-wopi-picker-heading', title);
    heading.id = `jp-wopi-picker-${UUID.uuid4()}`;
    const tools = element(doc, 'div', 'jp-wopi-picker-tools');
    const list = element(doc, 'div', 'jp-wopi-picker-list');
    list.setAttribute('aria-labelledby', heading.id);
    section.append(heading, tools, list);
    return { section, tools, list };
  }

  private _renderFigures(): void {
    const { trans } = this._options.env;
    const doc = this.node.ownerDocument;
    const figures = this._options.figures();
    if (figures.length === 0) {
      this._figures.list.replaceChildren(
        element(
          doc,
          'p',
          'jp-wopi-picker-empty',
          trans.__(
            'The notebooks open in this lab have no image outputs yet. Run a cell that draws a figure (a matplotlib plot, for example), and it is listed here.'
          )
        )
      );
      return;
    }
    this._fillList(
      this._figures.list,
      figures.map(figure => {
        const node = this._item(
          figureThumbnail(figure),
          figureLabel(figure),
          figure.insertable ? '' : svgText(trans)
        );
        node.dataset.figure = figure.key;
        return {
          node,
          source: figure.insertable
            ? { kind: 'bytes', data: figure.data, name: figureFileName(figure) }
            : null
        };
      })
    );
  }

  private async _loadWorkspace(): Promise<void> {
    const { env } = this._options;
    const { trans } = env;
    const folder = this._folder;
    const shown = folder || trans.__('the workspace');
    this._renderFolderTools();
    const box = element(
      this.node.ownerDocument,
      'div',
      'jp-wopi-picker-loading'
    );
    renderLoading(box, trans.__('Looking for images in %1…', shown));
    this._workspace.list.replaceChildren(box);
    let list: IImageList;
    try {
      list = await fetchWorkspaceImages(folder, env.serverSettings);
    } catch (error) {
      if (folder === this._folder && !this.isDisposed) {
        this._showWorkspaceError(
          trans.__(
            'The images of %1 could not be listed: %2',
            shown,
            error instanceof Error ? error.message : String(error)
          )
        );
      }
      return;
    }
    if (folder !== this._folder || this.isDisposed) {
      return; // another folder was asked for meanwhile
    }
    this._renderWorkspace(list, shown);
  }

  private _renderFolderTools(): void {
    const { trans } = this._options.env;
    const doc = this.node.ownerDocument;
    const where = element(
      doc,
      'span',
      'jp-wopi-picker-folder',
      this._folder
        ? trans.__('In %1 and its subfolders', this._folder)
        : trans.__('In the whole workspace')
    );
    const tools: HTMLElement[] = [where];
    if (this._folder) {
      tools.push(
        actionButtons(doc, [
          {
            label: trans.__('Whole Workspace'),
            run: () => this._goTo('')
          }
        ]).node
      );
    } else if (documentFolder(this._options.target.path)) {
      tools.push(
        actionButtons(doc, [
          {
            label: trans.__('Document’s Folder'),
            run: () => this._goTo(documentFolder(this._options.target.path))
          }
        ]).node
      );
    }
    this._workspace.tools.replaceChildren(...tools);
  }

  private _goTo(folder: string): void {
    this._folder = folder;
    this._choices = this._choices.filter(
      choice => !this._workspace.list.contains(choice.node)
    );
    void this._loadWorkspace();
  }

  private _renderWorkspace(list: IImageList, shown: string): void {
    const { env } = this._options;
    const { trans, serverSettings } = env;
    const doc = this.node.ownerDocument;
    if (list.images.length === 0) {
      this._workspace.list.replaceChildren(
        element(
          doc,
          'p',
          'jp-wopi-picker-empty',
          trans.__('There are no PNG, JPEG, GIF or BMP files in %1.', shown)
        )
      );
      return;
    }
    this._fillList(
      this._workspace.list,
      list.images.map((image: IWorkspaceImage) => {
        const folder = documentFolder(image.path);
        const node = this._item(
          URLExt.join(
            serverSettings.baseUrl,
            'files',
            URLExt.encodeParts(image.path)
          ),
          image.name,
          '',
          `${folder || trans.__('top folder')} · ${formatSize(trans, image.size)}`
        );
        node.dataset.path = image.path;
        node.title = image.path;
        return { node, source: { kind: 'file', path: image.path } };
      })
    );
    if (list.truncated) {
      this._workspace.list.appendChild(
        element(
          doc,
          'p',
          'jp-wopi-picker-more',
          trans.__('Only the newest images are listed.')
        )
      );
    }
  }

  private _showWorkspaceError(message: string): void {
    const doc = this.node.ownerDocument;
    const box = element(doc, 'div', 'jp-wopi-picker-error');
    box.setAttribute('role', 'alert');
    box.append(
      element(doc, 'p', 'jp-wopi-picker-message', message),
      actionButtons(doc, [
        {
          label: this._options.env.trans.__('Retry'),
          primary: true,
          run: () => void this._loadWorkspace()
        }
      ]).node
    );
    this._workspace.list.replaceChildren(box);
  }

  /** One tile: a thumbnail, its name, and a line below. */
  private _item(
    src: string,
    label: string,
    problem: string,
    detail = ''
  ): HTMLElement {
    const doc = this.node.ownerDocument;
    const node = element(doc, 'div', 'jp-wopi-picker-item');
    node.setAttribute('role', 'option');
    node.setAttribute('aria-selected', 'false');
    node.tabIndex = -1;
    const thumb = element(doc, 'img', 'jp-wopi-picker-thumb');
    thumb.src = src;
    thumb.alt = '';
    thumb.loading = 'lazy';
    thumb.draggable = false;
    const text = element(doc, 'span', 'jp-wopi-picker-label', label);
    node.append(thumb, text);
    if (detail) {
      node.appendChild(element(doc, 'span', 'jp-wopi-picker-detail', detail));
    }
    if (problem) {
      node.setAttribute('aria-disabled', 'true');
      node.classList.add('jp-mod-disabled');
      node.appendChild(element(doc, 'span', 'jp-wopi-picker-problem', problem));
    }
    return node;
  }

  /** Make `list` a listbox of `choices`, one of them in the Tab order. */
  private _fillList(list: HTMLElement, choices: IChoice[]): void {
    list.setAttribute('role', 'listbox');
    list.replaceChildren(...choices.map(choice => choice.node));
    choices[0].node.tabIndex = 0;
    choices.forEach((choice, index) => {
      const { node } = choice;
      node.addEventListener('click', () => this._select(choice));
      node.addEventListener('dblclick', () => void this._insert(choice));
      node.addEventListener('keydown', event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          event.stopPropagation();
          void this._insert(choice);
          return;
        }
        const next = moveKey(event.key, index, choices.length);
        if (next !== null) {
          event.preventDefault();
          choices[next].node.focus();
          this._select(choices[next]);
        }
      });
      node.addEventListener('focus', () => {
        for (const other of choices) {
          other.node.tabIndex = other === choice ? 0 : -1;
        }
        this._select(choice); // the focused image is the one Insert takes
      });
    });
    this._choices.push(...choices);
    // The dialog opened before any image was listed (no notebook figures, the
    // workspace still loading) and put the keyboard on Close: the first image
    // listed takes it, as it would have had it on opening.
    if (
      this._awaitingFocus &&
      this.isAttached &&
      !this.node.contains(this.node.ownerDocument.activeElement)
    ) {
      this._awaitingFocus = false;
      choices[0].node.focus();
    }
  }

  private _select(choice: IChoice): void {
    for (const other of this._choices) {
      other.node.setAttribute('aria-selected', String(other === choice));
    }
    this._selected = choice;
    this._insertButton.first!.disabled = choice.source === null;
    if (choice.source === null) {
      this._say(svgText(this._options.env.trans));
    } else if (!this._busy) {
      this._say('');
    }
  }

  private _insertSelected(): void {
    if (this._selected) {
      void this._insert(this._selected);
    }
  }

  private async _insert(choice: IChoice): Promise<void> {
    this._select(choice);
    const source = choice.source;
    if (source === null || this._busy) {
      return;
    }
    const { env, target } = this._options;
    const { trans } = env;
    this._busy = true;
    this.addClass('jp-mod-busy');
    this._say(trans.__('Inserting %1…', sourceName(source)));
    try {
      await insertImage(target, source, env);
    } catch (error) {
      this._busy = false;
      this.removeClass('jp-mod-busy');
      this._say(
        error instanceof Error ? error.message : String(error),
        () => void this._insert(choice)
      );
      return;
    }
    this._busy = false;
    this.inserted();
  }

  /** A line at the bottom: progress, or an error with Retry. */
  private _say(text: string, retry?: () => void): void {
    const doc = this.node.ownerDocument;
    this._status.setAttribute('role', retry ? 'alert' : 'status');
    this._status.classList.toggle('jp-mod-error', retry !== undefined);
    this._status.replaceChildren(
      element(doc, 'span', 'jp-wopi-picker-message', text)
    );
    if (retry) {
      this._status.appendChild(
        actionButtons(doc, [
          { label: this._options.env.trans.__('Retry'), run: retry }
        ]).node
      );
    }
  }

  private readonly _options: IImagePickerOptions;
  private readonly _figures: {
    section: HTMLElement;
    tools: HTMLElement;
    list: HTMLElement;
  };
  private readonly _workspace: {
    section: HTMLElement;
    tools: HTMLElement;
    list: HTMLElement;
  };
  private readonly _status = document.createElement('div');
  private readonly _insertButton: {
    node: HTMLElement;
    first: HTMLButtonElement | null;
  };
  private _folder: string;
  private _choices: IChoice[] = [];
  private _selected: IChoice | null = null;
  private _busy = false;
  private _awaitingFocus = true;
}
