/**
 * The panel that shows one file in ONLYOFFICE Docs. It asks the server for
 * a session and shows the loading line or the error (views.ts), then hands
 * the session to its parts: the editor's frame and messages (frame.ts), the
 * slow-load and expiry watchdogs (watchdogs.ts), following the file on disk
 * (disk.ts) and the ways to editing (editing.ts). It keeps the panel's
 * state, its save state and when to open the file again.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { Message } from '@lumino/messaging';
import { type ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { type IEditorSession, openSession, SessionError } from './api';
import { mayChangeAddress } from './configure';
import { DiskFollower } from './disk';
import { checkThenConfigure } from './doctor';
import {
  explainReadOnly,
  type IEditingHost,
  offerEditableCopy,
  requestEditing
} from './editing';
import { EditorFrame } from './frame';
import { NoticeBar } from './notices';
import type { ISaveState } from './saving';
import { type IEditWatch, sharedEdits } from './sharedEdits';
import type { IOfficeEnvironment, Theme } from './tokens';
import { renderLoading, renderOpenError } from './views';
import { ExpiryWatchdog, SLOW_LOAD_MS, SlowLoadWatchdog } from './watchdogs';
import type { ISaveRecord, SessionAction } from './wire';

export type PanelState = 'idle' | 'loading' | 'ready' | 'error';

export interface IOfficePanelOptions {
  readonly env: IOfficeEnvironment;
  /** The file's current path: it follows renames. */
  readonly path: () => string;
  /** Whether the file is empty: a new file always opens for editing. */
  readonly isEmpty?: () => boolean;
  /**
   * Milliseconds between looks at the file on the server (renames, saves);
   * by default the user's setting.
   */
  readonly statusInterval?: number;
  /** Milliseconds to wait for the editor before asking the doctor why. */
  readonly slowLoadMs?: number;
  /**
   * Whether the editor takes the keyboard when it has loaded and nothing
   * else has it (a tab: yes; a notebook output: no, the notebook keeps it).
   */
  readonly takesFocus?: boolean;
}

export class OfficePanel extends Widget {
  constructor(options: IOfficePanelOptions) {
    super();
    this._env = options.env;
    this._path = options.path;
    this._isEmpty = options.isEmpty ?? (() => false);
    this._statusInterval = options.statusInterval;
    this._slowLoadMs = options.slowLoadMs ?? SLOW_LOAD_MS;
    this._takesFocus = options.takesFocus ?? true;
    this._notices = new NoticeBar(this._env.trans.__('Dismiss'));
    this.addClass('jp-wopi-panel');
    this.node.tabIndex = -1;
    this.node.appendChild(this._notices.node);
    this._stage.className = 'jp-wopi-panel-stage';
    this._overlay.className = 'jp-wopi-panel-overlay';
    // The loading line and the error replace each other here: read out.
    this._overlay.setAttribute('aria-live', 'polite');
    this._stage.appendChild(this._overlay);
    this.node.appendChild(this._stage);
    this._host = {
      env: this._env,
      notices: this._notices,
      fileName: () => this._fileName(),
      session: () => this._session,
      open: action => this.open(action)
    };
    this._env.themeChanged.connect(this._onThemeChanged, this);
    this._env.connectionChanged.connect(this._onConnectionChanged, this);
    this._setState('idle');
    this._env.editors?.add(this);
  }

  /** The file's path now (it follows renames). */
  get path(): string {
    return this._path();
  }

  /** The element the editor's frame fills, for what goes over it (a drop zone). */
  get editorArea(): HTMLElement {
    return this._stage;
  }

  /** The editor asked for an image (Image → From Storage: UI_InsertGraphic). */
  get imageRequested(): ISignal<this, void> {
    return this._imageRequested;
  }

  /**
   * Whether the panel shows an editor that can take an image now: loaded,
   * and open for editing.
   */
  get canInsertImage(): boolean {
    return (
      this._state === 'ready' &&
      this._session?.mode === 'edit' &&
      this._editor !== null &&
      this._editor.loaded
    );
  }

  /**
   * Insert the image at `url` into the document where the editor's cursor is.
   *
   * @returns false when no editor that can take it was told.
   */
  insertImage(url: string): boolean {
    return this.canInsertImage && this._editor!.insertImage(url);
  }

  /** The editor's Close button was pressed. */
  get closeRequested(): ISignal<this, void> {
    return this._closeRequested;
  }

  /** The editor reported changes (true) or the editor was reloaded (false). */
  get dirtyChanged(): ISignal<this, boolean> {
    return this._dirtyChanged;
  }

  /** Whether the editor has unsaved changes, and its last save to disk. */
  get saveState(): ISaveState {
    return {
      // Not before the editor reported it has the file: it may be showing an error.
      mode:
        this._state === 'ready' &&
        (this._editor?.loaded || this._session?.mode === 'convert')
          ? (this._session?.mode ?? null)
          : null,
      dirty: this._dirty,
      lastSave: this._lastSave
    };
  }

  /** Emitted when `saveState` changes. */
  get saveStateChanged(): ISignal<this, void> {
    return this._saveStateChanged;
  }

  get state(): PanelState {
    return this._state;
  }

  /** The session shown, once the server has answered. */
  get session(): IEditorSession | null {
    return this._session;
  }

  /** What the panel last opened the file for (the editor's Edit button changes it). */
  get action(): SessionAction {
    return this._action;
  }

  /**
   * Open the editor, or reopen it in another mode. Waits until the panel is
   * in the document: the form can only target a frame that is.
   */
  open(action?: SessionAction): void {
    action = action ?? this._defaultAction();
    const changed = action !== this._action;
    this._action = action;
    if (changed) {
      this._saveStateChanged.emit(); // a new mode: the old editor's state is over
    }
    if (this.isAttached) {
      void this._start(action);
    } else {
      this._pending = true;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._teardown();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // Moving a panel (dragging its tab, a layout change) moves its iframe in
    // the DOM, which reloads it empty: load the editor again.
    if (this._pending || this._editor) {
      this._pending = false;
      void this._start(this._action);
    }
  }

  protected onActivateRequest(msg: Message): void {
    if (!this.focusEditor()) {
      (this._retry ?? this.node).focus();
    }
  }

  /**
   * Give the keyboard to the editor (its frame then tells it Grab_Focus).
   *
   * @returns whether there was an editor to give it to.
   */
  focusEditor(): boolean {
    if (this._state !== 'ready' || !this._editor) {
      return false;
    }
    this._editor.focus();
    return true;
  }

  private async _start(action: SessionAction): Promise<void> {
    this._teardown();
    const generation = ++this._generation;
    const trans = this._env.trans;
    const name = this._fileName();
    this._setState('loading');
    renderLoading(
      this._overlay,
      this._followingDisk
        ? trans.__('%1 changed on disk: opening the new version…', name)
        : trans.__('Opening %1 in ONLYOFFICE Docs…', name)
    );
    this._followingDisk = false;
    const theme = this._env.theme();
    const retry = this._retryNext;
    this._retryNext = false;
    let session: IEditorSession;
    try {
      session = await openSession(
        {
          path: this._path(),
          action,
          language: this._env.language(),
          ...(theme ? { theme } : {}),
          ...(retry ? { retry } : {})
        },
        this._env.serverSettings
      );
    } catch (error) {
      // Whether ONLYOFFICE Settings could help an unreachable ONLYOFFICE.
      const changeable =
        error instanceof SessionError &&
        error.status === 502 &&
        (await mayChangeAddress(this._env.serverSettings, 'reach'));
      if (generation === this._generation && !this.isDisposed) {
        this._showError(error, changeable);
      }
      return;
    }
    if (generation !== this._generation || this.isDisposed) {
      return;
    }
    this._session = session;
    this._theme = theme;
    this._showEditor(session, name);
  }

  private _showEditor(session: IEditorSession, name: string): void {
    this._editor = new EditorFrame({
      container: this._stage,
      session,
      title: this._env.trans.__('ONLYOFFICE Docs: %1', name),
      handlers: {
        loaded: () => this._onLoaded(),
        close: () => this._closeRequested.emit(),
        edit: () => void requestEditing(this._host),
        edited: () => {
          this._setDirty(true, this._disk?.lastSaveAt ?? null);
          this._edits?.edited(); // the other views of the document
        },
        versions: () => this._env.showVersions(this._path()),
        insertImage: () => this._imageRequested.emit()
      },
      panel: this,
      takesFocus: this._takesFocus
    });
    if (session.mode === 'convert') {
      // The conversion page is not the editor: it never sends App_LoadingStatus.
      this._editor.node.addEventListener('load', () => this._reveal(), {
        once: true
      });
    } else {
      this._slowLoad = new SlowLoadWatchdog({
        ...this._host,
        delay: this._slowLoadMs,
        reveal: () => this._reveal(),
        retry: () => this.retry()
      });
    }
    this._expiry = new ExpiryWatchdog({
      ...this._host,
      ttl: session.access_token_ttl,
      reopen: () => this.reload()
    });
    if (this._action !== 'embed') {
      offerEditableCopy(this._host, session, name); // a preview stays a preview
    }
    explainReadOnly(this._host, session);
    this._disk = new DiskFollower({
      env: this._env,
      notices: this._notices,
      session,
      path: this._path,
      interval: this._statusInterval,
      isClean: () => this._state === 'ready' && !this._dirty,
      reload: changedOnDisk => {
        this._followingDisk = changedOnDisk;
        this.reload();
      },
      saved: save => this._recordSave(save)
    });
    if (session.mode === 'edit') {
      // Another view's editor may hold unsaved changes of the same document.
      this._edits = sharedEdits(this._env.serverSettings.baseUrl).watch(
        session.file_id,
        {
          dirty: () => this._dirty,
          knownSaveAt: () => this._disk?.lastSaveAt ?? null,
          edited: afterSave => this._setDirty(true, afterSave)
        }
      );
    }
  }

  /** App_LoadingStatus: show the editor. */
  private _onLoaded(): void {
    this._slowLoad?.dispose(); // and its notice
    this._reveal();
    this._saveStateChanged.emit(); // also after a slow load revealed the frame
  }

  private _reveal(): void {
    if (this._state === 'loading') {
      this._overlay.replaceChildren();
      this._setState('ready');
    }
  }

  private _onThemeChanged(): void {
    if (this._state === 'idle' || this._state === 'error' || !this._session) {
      return;
    }
    if (this._env.theme() === this._theme) {
      this._notices.hide('theme');
      return;
    }
    const trans = this._env.trans;
    this._notices.show('theme', {
      text: trans.__('The lab theme changed.'),
      actions: [
        {
          label: trans.__('Reload editor with the new theme'),
          primary: true,
          run: () => this.reload()
        }
      ]
    });
  }

  private _showError(error: unknown, addressChangeable: boolean): void {
    const { trans, serverSettings } = this._env;
    const configure = () => this._env.configureConnection();
    this._setState('error');
    this._retry = renderOpenError(
      this._overlay,
      trans,
      this._fileName(),
      error,
      {
        retry: () => this.retry(),
        configure: () => void configure(),
        checkConnection: () =>
          void checkThenConfigure(trans, serverSettings, configure),
        addressChangeable
      }
    );
    // The panel had the keyboard while it loaded: its first way out takes it,
    // so that Enter or Tab acts on the error at once.
    if (this.node.ownerDocument.activeElement === this.node) {
      this._retry?.focus();
    }
  }

  /** New ONLYOFFICE addresses: a panel that could not open tries again. */
  private _onConnectionChanged(): void {
    const silentEditor =
      this._state === 'ready' &&
      !this._editor?.loaded &&
      this._session?.mode !== 'convert';
    if (this._state === 'error' || silentEditor) {
      this.retry();
    }
  }

  /**
   * Load again after a failure. ONLYOFFICE remembers a failed open of an
   * unchanged file for up to a day, so the server gives the file a new
   * Version for this session (client-behavior §17); its bytes stay as they are.
   */
  retry(): void {
    this._retryNext = true;
    this.reload();
  }

  /** Load the editor again in the current mode (theme change, error, file changed). */
  reload(): void {
    this.open(this._action);
  }

  /** `afterSave`: the save the changes came after (a later one clears them). */
  private _setDirty(dirty: boolean, afterSave: number | null = null): void {
    if (dirty) {
      this._dirtyAfter = Math.max(
        this._dirtyAfter ?? -Infinity,
        afterSave ?? -Infinity
      );
    } else {
      this._dirtyAfter = null;
    }
    if (dirty !== this._dirty) {
      this._dirty = dirty;
      this._dirtyChanged.emit(dirty);
      this._saveStateChanged.emit();
    }
  }

  /** The editor's save reached the disk: its changes are no longer pending. */
  private _recordSave(save: ISaveRecord): void {
    this._lastSave = save;
    this._saveStateChanged.emit();
    // Not a save older than changes another view reported after a save it knew.
    if (this._dirtyAfter === null || save.saved_at > this._dirtyAfter) {
      this._setDirty(false);
    }
  }

  private _setState(state: PanelState): void {
    const changed = state !== this._state;
    this._state = state;
    for (const name of ['idle', 'loading', 'ready', 'error'] as const) {
      this.toggleClass(`jp-mod-${name}`, name === state);
    }
    if (changed) {
      this._saveStateChanged.emit(); // its mode shows once the editor is ready
    }
  }

  /** Drop the frame and everything tied to it. */
  private _teardown(): void {
    this._editor?.dispose();
    this._editor = null;
    this._slowLoad?.dispose();
    this._slowLoad = null;
    this._expiry?.dispose();
    this._expiry = null;
    this._disk?.dispose();
    this._disk = null;
    this._edits?.dispose();
    this._edits = null;
    this._retry = null;
    this._notices.clear();
    this._setDirty(false);
  }

  /** ONLYOFFICE fills an empty file from its blank template only when editing. */
  private _defaultAction(): SessionAction {
    return this._isEmpty() ? 'edit' : this._env.defaultMode(this._fileName());
  }

  private _fileName(): string {
    return PathExt.basename(this._path());
  }

  private readonly _env: IOfficeEnvironment;
  private readonly _path: () => string;
  private readonly _isEmpty: () => boolean;
  private readonly _statusInterval: number | undefined;
  private readonly _slowLoadMs: number;
  private readonly _takesFocus: boolean;
  private readonly _notices: NoticeBar;
  /** The panel as its parts see it. */
  private readonly _host: IEditingHost;
  private readonly _stage = document.createElement('div');
  private readonly _overlay = document.createElement('div');
  private readonly _closeRequested = new Signal<this, void>(this);
  private readonly _dirtyChanged = new Signal<this, boolean>(this);
  private readonly _saveStateChanged = new Signal<this, void>(this);
  private readonly _imageRequested = new Signal<this, void>(this);
  private _action: SessionAction = 'edit';
  private _state: PanelState = 'idle';
  private _session: IEditorSession | null = null;
  private _theme: Theme | undefined = undefined;
  private _editor: EditorFrame | null = null;
  private _disk: DiskFollower | null = null;
  private _edits: IEditWatch | null = null;
  private _retry: HTMLButtonElement | null = null;
  private _slowLoad: SlowLoadWatchdog | null = null;
  private _expiry: ExpiryWatchdog | null = null;
  private _generation = 0;
  private _retryNext = false;
  private _followingDisk = false;
  private _pending = false;
  private _dirty = false;
  /** The newest save the unsaved changes came after, if known. */
  private _dirtyAfter: number | null = null;
  private _lastSave: ISaveRecord | null = null;
}
