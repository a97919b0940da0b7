/**
 * The Version History panel of one file: the file now, its kept versions
 * newest first (when, who, how big, what made them) with Preview, Restore
 * and Download, and a preview pane beside the list (versionPreview.ts).
 *
 * The server keeps a version each time the editor saves or a restore
 * replaces the file, and when an editor opens content not kept before. A
 * restore happens in place: the file's current bytes become a version first,
 * and open editors are asked to reload.
 */

import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import { type ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import {
  fetchVersions,
  restoreVersion,
  versionDownloadUrl,
  type VersionsOf
} from './api';
import type { IOfficeEnvironment } from './tokens';
import { type IPreviewEnvironment, VersionPreview } from './versionPreview';
import {
  authorText,
  coEditorsText,
  describeNow,
  editingRule,
  formatAbsolute,
  formatRelative,
  formatSize,
  isoTime,
  kindLabel,
  restoreBlockedReason
} from './versionText';
import { actionButtons, element, renderError, renderLoading } from './views';
import type { IVersion, IVersionList } from './wire';

/** What the panel needs from the lab. */
export interface IVersionsEnvironment
  extends
    IPreviewEnvironment,
    Pick<IOfficeEnvironment, 'fileChanged' | 'announce'> {}

export interface IVersionHistoryOptions {
  readonly env: IVersionsEnvironment;
  /** The file's lab path; the panel follows renames once it knows the file's id. */
  readonly path: string;
  /** Starts the browser's download of a URL (by default, a link clicked). */
  readonly download?: (url: string) => void;
  /** Milliseconds to wait for a preview's viewer before showing it anyway. */
  readonly slowLoadMs?: number;
}

export type HistoryState = 'loading' | 'ready' | 'error';

/** What a row's buttons do. */
export interface IVersionActions {
  preview(version: IVersion): void;
  restore(version: IVersion): void;
  download(version: IVersion): void;
}

export interface IRenderOptions {
  /** Milliseconds since the epoch, for the relative times. */
  readonly now?: number;
  readonly locale?: string;
  /** The id of the version in the preview pane. */
  readonly previewing?: string | null;
}

/**
 * The versions as a table, newest first as the server lists them: time
 * (absolute and relative), author and co-editors, size, what made it, and
 * the row's buttons.
 */
export function renderVersionTable(
  doc: Document,
  trans: TranslationBundle,
  list: IVersionList,
  actions: IVersionActions,
  options: IRenderOptions = {}
): HTMLTableElement {
  const { now = Date.now(), locale, previewing = null } = options;
  const table = element(doc, 'table', 'jp-wopi-versions-table');
  const caption = element(
    doc,
    'caption',
    'jp-wopi-versions-caption',
    trans.__('Earlier versions of %1, newest first', list.name)
  );
  const head = doc.createElement('thead');
  const headings = doc.createElement('tr');
  for (const label of [
    trans.__('Time'),
    trans.__('Author'),
    trans.__('Size'),
    trans.__('What made it'),
    trans.__('Actions')
  ]) {
    const cell = element(doc, 'th', '', label);
    cell.scope = 'col';
    headings.appendChild(cell);
  }
  head.appendChild(headings);
  const body = doc.createElement('tbody');
  const blocked = restoreBlockedReason(trans, list);
  for (const version of list.versions) {
    body.appendChild(
      versionRow(doc, trans, version, actions, {
        now,
        locale,
        blocked,
        current: version.id === previewing
      })
    );
  }
  table.append(caption, head, body);
  return table;
}

function versionRow(
  doc: Document,
  trans: TranslationBundle,
  version: IVersion,
  actions: IVersionActions,
  options: {
    readonly now: number;
    readonly locale?: string;
    readonly blocked: string;
    readonly current: boolean;
  }
): HTMLTableRowElement {
  const row = element(doc, 'tr', 'jp-wopi-version');
  row.dataset.versionId = version.id;
  if (options.current) {
    row.setAttribute('aria-current', 'true');
  }
  const when = doc.createElement('th');
  when.scope = 'row';
  const time = element(
    doc,
    'time',
    'jp-wopi-version-time',
    formatAbsolute(version.created_at, options.locale)
  );
  time.dateTime = isoTime(version.created_at);
  when.append(
    time,
    element(
      doc,
      'span',
      'jp-wopi-version-relative',
      formatRelative(trans, version.created_at, options.now, options.locale)
    )
  );
  const who = doc.createElement('td');
  who.appendChild(
    element(
      doc,
      'span',
      'jp-wopi-version-author',
      authorText(trans, version.author)
    )
  );
  const others = coEditorsText(trans, version.co_editors);
  if (others) {
    who.appendChild(element(doc, 'span', 'jp-wopi-version-with', others));
  }
  const size = element(
    doc,
    'td',
    'jp-wopi-version-size',
    formatSize(trans, version.size)
  );
  const kind = element(
    doc,
    'td',
    'jp-wopi-version-kind',
    kindLabel(trans, version.kind)
  );
  kind.dataset.kind = version.kind;
  const buttons = doc.createElement('td');
  const rowActions = actionButtons(doc, [
    { label: trans.__('Preview'), run: () => actions.preview(version) },
    { label: trans.__('Restore'), run: () => actions.restore(version) },
    { label: trans.__('Download'), run: () => actions.download(version) }
  ]).node;
  const [preview, restore, download] = Array.from(
    rowActions.querySelectorAll('button')
  );
  const timeText = time.textContent ?? '';
  preview.dataset.action = 'preview';
  preview.title = trans.__('Show the version of %1 read-only', timeText);
  restore.dataset.action = 'restore';
  if (options.blocked) {
    restore.disabled = true;
    restore.title = options.blocked;
  } else {
    restore.title = trans.__(
      'Put the content of %1 back into the file',
      timeText
    );
  }
  download.dataset.action = 'download';
  download.title = trans.__('Download the version of %1', timeText);
  buttons.appendChild(rowActions);
  row.append(when, who, size, kind, buttons);
  return row;
}

/** Start the browser's download of a URL the server answers as an attachment. */
function startDownload(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = ''; // the server's Content-Disposition names the file
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export class VersionHistory extends Widget {
  constructor(options: IVersionHistoryOptions) {
    super();
    this._env = options.env;
    this._path = options.path;
    this._download = options.download ?? startDownload;
    this.addClass('jp-wopi-versions');
    this.node.tabIndex = -1;
    const doc = document;
    const trans = this._env.trans;
    const main = element(doc, 'section', 'jp-wopi-versions-main');
    main.setAttribute('aria-label', trans.__('Versions'));
    this._header.className = 'jp-wopi-versions-header';
    this._body.className = 'jp-wopi-versions-body';
    this._refreshButton = actionButtons(doc, [
      { label: trans.__('Refresh'), run: () => void this.refresh() }
    ]).first!;
    this._refreshButton.dataset.action = 'refresh';
    main.append(this._header, this._body);
    this._preview = new VersionPreview({
      env: this._env,
      panel: this,
      closed: () => this.closePreview(),
      slowLoadMs: options.slowLoadMs
    });
    this.node.append(main, this._preview.node);
    this._env.fileChanged.connect(this._onFileChanged, this);
    this._renderHeader();
    void this.refresh();
  }

  /** The file's lab path (it follows renames). */
  get path(): string {
    return this._path;
  }

  /** Emitted when the file turns out to have another path. */
  get pathChanged(): ISignal<this, string> {
    return this._pathChanged;
  }

  get state(): HistoryState {
    return this._state;
  }

  /** The server's last answer. */
  get list(): IVersionList | null {
    return this._list;
  }

  /** The version in the preview pane, or null. */
  get previewing(): string | null {
    return this._preview.target?.versionId ?? null;
  }

  /** Ask the server again; refreshes asked for meanwhile run once after it. */
  refresh(): Promise<void> {
    if (this._refreshing) {
      this._again = true;
      return this._refreshing;
    }
    this._refreshing = this._refreshUntilQuiet().finally(() => {
      this._refreshing = null;
    });
    return this._refreshing;
  }

  /** Show a version read-only in the pane beside the list. */
  preview(version: IVersion): void {
    this._preview.show({
      path: this._path,
      versionId: version.id,
      time: formatAbsolute(version.created_at, this._env.language())
    });
    this._markPreviewed();
  }

  closePreview(): void {
    this._preview.clear();
    this._markPreviewed();
  }

  /**
   * Ask, then put a version's bytes back into the file; the current bytes
   * become a version first.
   *
   * @returns whether the file was restored.
   */
  async restore(version: IVersion): Promise<boolean> {
    const list = this._list;
    if (!list) {
      return false;
    }
    const trans = this._env.trans;
    const time = formatAbsolute(version.created_at, this._env.language());
    const rule = editingRule(trans, list.locked_by);
    const answer = await showDialog({
      title: trans.__('Restore the version of %1?', time),
      body: [
        trans.__(
          '%1 gets back the content it had on %2. Its current content is ' +
            'kept as a version first, so you can return to it.',
          list.name,
          time
        ),
        rule
      ]
        .filter(Boolean)
        .join(' '),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: trans.__('Restore') })
      ]
    });
    if (!answer.button.accept || this.isDisposed) {
      return false;
    }
    let path: string;
    try {
      ({ path } = await restoreVersion(
        list.file_id,
        version.id,
        this._env.serverSettings
      ));
    } catch (error) {
      Notification.error(
        trans.__(
          'The version of %1 was not restored: %2',
          time,
          error instanceof Error ? error.message : String(error)
        ),
        { autoClose: false }
      );
      await this.refresh();
      return false;
    }
    Notification.success(
      trans.__(
        'Restored the version of %1; the previous content is kept as a version.',
        time
      ),
      { autoClose: 8000 }
    );
    // File browsers show the new modification time.
    this._env.announce({ type: 'save', oldValue: null, newValue: { path } });
    await this.refresh();
    return true;
  }

  /** Download a version, named after the file and the version's time. */
  download(version: IVersion): void {
    const fileId = this._list?.file_id ?? version.file_id;
    this._download(
      versionDownloadUrl(fileId, version.id, this._env.serverSettings)
    );
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._env.fileChanged.disconnect(this._onFileChanged, this);
    this._preview.dispose();
    super.dispose();
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._focusFirstAction();
  }

  /**
   * The first row's first button, or Refresh (or Retry) while there is none;
   * while the list loads (Refresh disabled), the panel itself, which passes
   * the keyboard on once the list is there.
   */
  private _focusFirstAction(): void {
    const first = this.node.querySelector<HTMLButtonElement>(
      '.jp-wopi-versions-body button:not(:disabled)'
    );
    const target =
      first ?? (this._refreshButton.disabled ? this.node : this._refreshButton);
    target.focus();
  }

  /**
   * The panel had the keyboard while it loaded (activated before the list
   * came): the list's first action takes it, as activating it later would.
   */
  private _passFocusOn(): void {
    if (this.node.ownerDocument.activeElement === this.node) {
      this._focusFirstAction();
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // Moving the panel (dragging its tab) reloads its frame empty.
    this._preview.reload();
  }

  private async _refreshUntilQuiet(): Promise<void> {
    do {
      this._again = false;
      await this._fetch();
    } while (this._again && !this.isDisposed);
  }

  private async _fetch(): Promise<void> {
    const trans = this._env.trans;
    const which: VersionsOf = this._list
      ? { fileId: this._list.file_id }
      : { path: this._path };
    if (!this._list) {
      this._setState('loading');
      renderLoading(this._body, trans.__('Loading versions…'));
    }
    this._refreshButton.disabled = true;
    this.node.setAttribute('aria-busy', 'true');
    let list: IVersionList;
    try {
      list = await fetchVersions(which, this._env.serverSettings);
    } catch (error) {
      if (!this.isDisposed) {
        this._showError(error);
      }
      return;
    } finally {
      this._refreshButton.disabled = false;
      this.node.removeAttribute('aria-busy');
    }
    if (this.isDisposed) {
      return;
    }
    this._list = list;
    if (list.path !== this._path) {
      this._path = list.path;
      this._pathChanged.emit(list.path);
    }
    this._setState('ready');
    this._renderHeader();
    this._renderBody();
    this._passFocusOn();
  }

  private _showError(error: unknown): void {
    const trans = this._env.trans;
    this._setState('error');
    this._renderHeader();
    renderError(this._body, {
      title: trans.__(
        'The versions of %1 could not be listed',
        PathExt.basename(this._path)
      ),
      message: error instanceof Error ? error.message : String(error),
      actions: [
        { label: trans.__('Retry'), primary: true, run: () => this._retry() }
      ]
    });
    this._passFocusOn();
  }

  private _retry(): void {
    // The file may have gone from its last id (replaced, say): ask by path.
    this._list = null;
    void this.refresh();
  }

  private _renderHeader(): void {
    const doc = this.node.ownerDocument;
    const trans = this._env.trans;
    const list = this._list;
    const name = list?.name ?? PathExt.basename(this._path);
    const parts: HTMLElement[] = [
      element(doc, 'h2', 'jp-wopi-versions-name', name)
    ];
    if (list) {
      parts.push(
        element(
          doc,
          'p',
          'jp-wopi-versions-now',
          describeNow(trans, list, Date.now(), this._env.language())
        )
      );
      const rule = editingRule(trans, list.locked_by);
      if (rule) {
        const note = element(doc, 'p', 'jp-wopi-versions-rule', rule);
        note.setAttribute('role', 'note');
        parts.push(note);
      }
    }
    const tools = element(doc, 'div', 'jp-wopi-versions-tools');
    tools.appendChild(this._refreshButton);
    parts.push(tools);
    this._header.replaceChildren(...parts);
  }

  private _renderBody(): void {
    const list = this._list;
    if (!list) {
      return;
    }
    const doc = this.node.ownerDocument;
    const trans = this._env.trans;
    if (list.versions.length === 0) {
      const empty = element(
        doc,
        'p',
        'jp-wopi-versions-empty',
        trans.__(
          'No earlier versions yet. A version is kept each time the document ' +
            'is saved from ONLYOFFICE or restored, and when an editor opens ' +
            'content not kept before.'
        )
      );
      this._body.replaceChildren(empty);
      return;
    }
    const table = renderVersionTable(
      doc,
      trans,
      list,
      {
        preview: version => this.preview(version),
        restore: version => void this.restore(version),
        download: version => this.download(version)
      },
      { locale: this._env.language(), previewing: this.previewing }
    );
    this._body.replaceChildren(table);
  }

  /** The row in the preview pane is marked as such. */
  private _markPreviewed(): void {
    const id = this.previewing;
    this._body
      .querySelectorAll<HTMLElement>('.jp-wopi-version')
      .forEach(row => {
        if (row.dataset.versionId === id) {
          row.setAttribute('aria-current', 'true');
        } else {
          row.removeAttribute('aria-current');
        }
      });
    this.toggleClass('jp-mod-previewing', id !== null);
  }

  private _onFileChanged(_: unknown, fileId: string): void {
    if (fileId === this._list?.file_id) {
      void this.refresh();
    }
  }

  private _setState(state: HistoryState): void {
    this._state = state;
    for (const name of ['loading', 'ready', 'error'] as const) {
      this.toggleClass(`jp-mod-${name}`, name === state);
    }
  }

  private readonly _env: IVersionsEnvironment;
  private readonly _download: (url: string) => void;
  private readonly _header = document.createElement('header');
  private readonly _body = document.createElement('div');
  private readonly _refreshButton: HTMLButtonElement;
  private readonly _preview: VersionPreview;
  private readonly _pathChanged = new Signal<this, string>(this);
  private _path: string;
  private _list: IVersionList | null = null;
  private _state: HistoryState = 'loading';
  private _refreshing: Promise<void> | null = null;
  private _again = false;
}
