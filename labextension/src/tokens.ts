/**
 * Names shared by the plugin's modules: ids, the factory name and the
 * environment a panel needs from the lab.
 */

import type { Contents, ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';

import type { EditorRegistry } from './editors';
import type { EditorMode, IOfficeSettings } from './settings';

/** The plugin id; `schema/plugin.json` holds its settings. */
export const PLUGIN_ID = 'jupyter-wopi:plugin';

/** The document widget factory, as shown under "Open With". */
export const FACTORY = 'ONLYOFFICE';

/** The model factory: metadata only, never the file's bytes. */
export const MODEL_NAME = 'jupyter-wopi';

/** The translation domain (the Python package name). */
export const TRANSLATION_DOMAIN = 'jupyter_wopi';

export namespace CommandIDs {
  export const newDocument = 'jupyter-wopi:new-document';
  export const newSpreadsheet = 'jupyter-wopi:new-spreadsheet';
  export const newPresentation = 'jupyter-wopi:new-presentation';
  /**
   * Bound to Accel S in an ONLYOFFICE document outside its editor frame:
   * gives the editor the keyboard and says how to save there.
   */
  export const save = 'jupyter-wopi:save';
  /** The connection doctor: command palette and Help menu. */
  export const checkConnection = 'jupyter-wopi:check-connection';
  /** ONLYOFFICE Settings: the addresses, from the palette, Settings menu and panels. */
  export const configure = 'jupyter-wopi:configure';
  /** File browser: office files in the standalone host page, others as the lab does. */
  export const openBrowserTab = 'jupyter-wopi:open-browser-tab';
  /** File browser: convert a copy into another format. */
  export const convert = 'jupyter-wopi:convert';
  /** File browser: release an editing lock someone left behind. */
  export const releaseLock = 'jupyter-wopi:release-lock';
  /** File browser (and the editor's button): a file's Version History. */
  export const versionHistory = 'jupyter-wopi:version-history';
  /** Command palette: the Version History of the current ONLYOFFICE tab. */
  export const currentVersionHistory = 'jupyter-wopi:current-version-history';
}

/** The lab's colour scheme, as the sessions API accepts it. */
export type Theme = 'light' | 'dark';

/**
 * What a panel needs from the lab, gathered once by the plugin so the panel
 * does not depend on optional lab tokens itself.
 */
export interface IOfficeEnvironment {
  readonly serverSettings: ServerConnection.ISettings;
  readonly trans: TranslationBundle;
  /** The lab's language (`en`, `fr-FR`...), sent as the editor's `ui`/`rs`. */
  language(): string;
  /** The theme the editor should use, or undefined to let the server choose. */
  theme(): Theme | undefined;
  /** Emitted when `theme()` may have changed (lab theme or settings). */
  readonly themeChanged: ISignal<IOfficeEnvironment, void>;
  /** The mode to ask for when a file of this name is opened. */
  defaultMode(fileName: string): EditorMode;
  readonly settings: IOfficeSettings;
  /**
   * Tell the rest of the lab (file browsers, the document's context) about a
   * change the server made: a save or a rename by the editor, a new copy.
   */
  announce(change: Contents.IChangedArgs): void;
  /** Open a file in the lab (a conflict copy, a converted file). */
  openPath(path: string): void;
  /** Open a file's Version History (the editor's Version History button). */
  showVersions(path: string): void;
  /** Show ONLYOFFICE Settings; resolves true when new addresses were saved. */
  configureConnection(): Promise<boolean>;
  /** Emitted when new ONLYOFFICE addresses are in force: failed panels retry. */
  readonly connectionChanged: ISignal<IOfficeEnvironment, void>;
  /**
   * Emitted with a file id when the server reports a save, lock or copy of
   * that file: panels showing it look at once instead of at their next poll.
   */
  readonly fileChanged: ISignal<IOfficeEnvironment, string>;
  /**
   * The lab's ONLYOFFICE panels, where each panel adds itself: images find
   * their editor there. Absent where nothing inserts images (tests).
   */
  readonly editors?: EditorRegistry;
}
