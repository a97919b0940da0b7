/**
 * The lab-facing side of a panel's environment: language, theme and
 * settings, from whichever lab services the host application provides.
 */

import type { IThemeManager } from '@jupyterlab/apputils';
import type { Contents, Event, ServerConnection } from '@jupyterlab/services';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { type ISignal, Signal } from '@lumino/signaling';

import { EditorRegistry } from './editors';
import { groupOf } from './formats';
import {
  DEFAULT_SETTINGS,
  type EditorMode,
  type IOfficeSettings,
  modeFor
} from './settings';
import {
  type IOfficeEnvironment,
  type Theme,
  TRANSLATION_DOMAIN
} from './tokens';
import type { IFileEventData } from './wire';

export interface IOfficeEnvironmentOptions {
  readonly serverSettings: ServerConnection.ISettings;
  readonly translator: ITranslator;
  /** Absent in hosts without themes: the server then picks the editor's. */
  readonly themeManager?: IThemeManager | null;
  /** The lab's contents manager, whose fileChanged signal the lab listens to. */
  readonly contents?: Contents.IManager | null;
  /** Opens a path in the lab (the docmanager:open command). */
  readonly openPath?: (path: string) => void;
  /** Opens a file's Version History (the version-history command). */
  readonly showVersions?: (path: string) => void;
  /** Shows ONLYOFFICE Settings (the configure command); true when saved. */
  readonly configure?: () => Promise<boolean>;
  /** The server's event bus (`api/events/subscribe`), where it reports the editor's saves. */
  readonly events?: Event.IManager | null;
}

/** The schema of the server extension's file events (jupyter_wopi/events.py). */
export const FILE_EVENTS_SCHEMA =
  'https://events.jupyter.org/jupyter_wopi/file/v1';

export class OfficeEnvironment implements IOfficeEnvironment {
  constructor(options: IOfficeEnvironmentOptions) {
    this.serverSettings = options.serverSettings;
    this._translator = options.translator;
    this.trans = options.translator.load(TRANSLATION_DOMAIN);
    this._themeManager = options.themeManager ?? null;
    this._themeManager?.themeChanged.connect(this._emitTheme, this);
    this._contents = options.contents ?? null;
    this._openPath = options.openPath ?? null;
    this._showVersions = options.showVersions ?? null;
    this._configure = options.configure ?? null;
    options.events?.stream.connect(this._onServerEvent, this);
  }

  readonly serverSettings: ServerConnection.ISettings;
  readonly trans: TranslationBundle;
  readonly editors = new EditorRegistry();

  get themeChanged(): ISignal<this, void> {
    return this._themeChanged;
  }

  get connectionChanged(): ISignal<this, void> {
    return this._connectionChanged;
  }

  get fileChanged(): ISignal<this, string> {
    return this._fileChanged;
  }

  /** New ONLYOFFICE addresses are in force (saved in ONLYOFFICE Settings). */
  connectionSaved(): void {
    this._connectionChanged.emit();
  }

  async configureConnection(): Promise<boolean> {
    return (await this._configure?.()) ?? false;
  }

  get settings(): IOfficeSettings {
    return this._settings;
  }

  /** New user settings; open panels re-check their theme. */
  set settings(settings: IOfficeSettings) {
    const themeFollowChanged =
      settings.followLabTheme !== this._settings.followLabTheme;
    this._settings = settings;
    if (themeFollowChanged) {
      this._emitTheme();
    }
  }

  language(): string {
    // The translator says "en" when the lab has no language pack selected.
    return this._translator.languageCode || navigator.language || 'en';
  }

  theme(): Theme | undefined {
    const name = this._themeManager?.theme;
    if (!this._settings.followLabTheme || !this._themeManager || !name) {
      return undefined;
    }
    return this._themeManager.isLight(name) ? 'light' : 'dark';
  }

  defaultMode(fileName: string): EditorMode {
    return modeFor(this._settings, groupOf(fileName));
  }

  announce(change: Contents.IChangedArgs): void {
    // The lab's own saves and renames are announced by its contents manager;
    // the editor's happen on the server, so announce them the same way: the
    // document context then follows a rename and file browsers refresh.
    const signal = this._contents?.fileChanged as
      Signal<Contents.IManager, Contents.IChangedArgs> | undefined;
    signal?.emit(change);
  }

  openPath(path: string): void {
    this._openPath?.(path);
  }

  showVersions(path: string): void {
    this._showVersions?.(path);
  }

  /** A save, lock or copy the server reported: the panels on that file look now. */
  private _onServerEvent(_: Event.IManager, event: Event.Emission): void {
    const { file_id } = event as Partial<IFileEventData>;
    if (event.schema_id === FILE_EVENTS_SCHEMA && typeof file_id === 'string') {
      this._fileChanged.emit(file_id);
    }
  }

  private _emitTheme(): void {
    this._themeChanged.emit();
  }

  private readonly _translator: ITranslator;
  private readonly _themeManager: IThemeManager | null;
  private readonly _contents: Contents.IManager | null;
  private readonly _openPath: ((path: string) => void) | null;
  private readonly _showVersions: ((path: string) => void) | null;
  private readonly _configure: (() => Promise<boolean>) | null;
  private readonly _themeChanged = new Signal<this, void>(this);
  private readonly _connectionChanged = new Signal<this, void>(this);
  private readonly _fileChanged = new Signal<this, string>(this);
  private _settings: IOfficeSettings = DEFAULT_SETTINGS;
}
