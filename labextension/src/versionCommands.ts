/**
 * Where Version History opens from: the editor's own Version History button
 * (UI_FileVersions, through the environment's `showVersions`), the file
 * browser's context menu, and the command palette for the current
 * ONLYOFFICE tab. One panel per file, in the main area beside the
 * document's tab when it is open; opening it again activates it. Where the
 * shell takes no second main widget (Jupyter Notebook 7: one document per
 * browser tab), the server's standalone Version History page opens in a
 * browser tab instead.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import { MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { PathExt, URLExt } from '@jupyterlab/coreutils';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import {
  addFileMenuItem,
  type IFileBrowsers,
  PATH_ARG,
  selectedFile
} from './browser';
import { formatOf } from './formats';
import { openTab } from './hostpage';
import type { ISaveState } from './saving';
import { CommandIDs } from './tokens';
import {
  type IVersionHistoryOptions,
  type IVersionsEnvironment,
  VersionHistory
} from './versions';
import type { ISaveRecord } from './wire';

/** An open ONLYOFFICE tab, as far as its Version History is concerned. */
export interface IHistoryDocument {
  readonly id: string;
  readonly isDisposed: boolean;
  readonly content: {
    readonly saveState: ISaveState;
    readonly saveStateChanged: ISignal<unknown, void>;
  };
}

/** The part of the lab shell the panels go into. */
export interface IHistoryShell {
  add(
    widget: Widget,
    area?: string,
    options?: { ref?: string | null; mode?: 'split-right' | 'tab-after' }
  ): void;
  activateById(id: string): void;
}

export interface IVersionPanelsOptions {
  readonly env: IVersionsEnvironment;
  readonly shell: IHistoryShell;
  /** The ONLYOFFICE tab showing a path, if one is open. */
  readonly documentOf: (path: string) => IHistoryDocument | null;
  /** Passed on to each panel (tests). */
  readonly panelOptions?: Partial<IVersionHistoryOptions>;
  /**
   * Show a file's versions where the shell took no panel (by default the
   * standalone Version History page in a new browser tab).
   */
  readonly openPage?: (path: string) => void;
}

/** The server's standalone Version History page of a file: `<baseUrl>wopi/versions/<path>`. */
export function versionsPageUrl(baseUrl: string, path: string): string {
  return URLExt.join(baseUrl, 'wopi/versions', URLExt.encodeParts(path));
}

export type VersionPanel = MainAreaWidget<VersionHistory>;

/** The Version History panels, one per file. */
export class VersionPanels {
  constructor(options: IVersionPanelsOptions) {
    this._options = options;
  }

  /** The panel of a file, if it is open. */
  find(path: string): VersionPanel | undefined {
    for (const panel of this._panels) {
      if (panel.content.path === path) {
        return panel;
      }
    }
    return undefined;
  }

  /**
   * Open a file's Version History, or activate the one open already.
   *
   * @returns the panel, or null when the shell took none (the standalone
   *   page was opened instead).
   */
  open(path: string): VersionPanel | null {
    const existing = this.find(path);
    if (existing) {
      this._options.shell.activateById(existing.id);
      void existing.content.refresh();
      return existing;
    }
    const { env, shell, documentOf, panelOptions } = this._options;
    const content = new VersionHistory({ ...panelOptions, env, path });
    const panel = new MainAreaWidget({ content });
    panel.id = `jp-wopi-versions-${++panelCount}`;
    panel.addClass('jp-wopi-versions-panel');
    panel.title.closable = true;
    const setTitle = () => {
      const name = PathExt.basename(content.path);
      panel.title.label = env.trans.__('Versions: %1', name);
      panel.title.caption = env.trans.__('Version History of %1', content.path);
    };
    setTitle();
    content.pathChanged.connect(setTitle);
    this._panels.add(panel);
    panel.disposed.connect(() => this._panels.delete(panel));
    const document = documentOf(path);
    if (document && !document.isDisposed) {
      followSaves(document, content);
      shell.add(panel, 'main', { ref: document.id, mode: 'split-right' });
    } else {
      shell.add(panel, 'main');
    }
    if (!panel.parent) {
      panel.dispose(); // a shell of one main widget (Notebook 7) kept its own
      (this._options.openPage ?? (p => this._openPage(p)))(path);
      return null;
    }
    shell.activateById(panel.id);
    return panel;
  }

  private _openPage(path: string): void {
    const { serverSettings, trans } = this._options.env;
    if (!openTab(versionsPageUrl(serverSettings.baseUrl, path))) {
      Notification.error(
        trans.__(
          'The browser blocked the new tab of the Version History. Allow pop-ups for this site and try again.'
        )
      );
    }
  }

  private readonly _options: IVersionPanelsOptions;
  private readonly _panels = new Set<VersionPanel>();
}

let panelCount = 0;

/** A save the document's tab reports lists a new version: refresh. */
function followSaves(
  document: IHistoryDocument,
  history: VersionHistory
): void {
  let last: ISaveRecord | null = document.content.saveState.lastSave;
  const onChange = () => {
    const save = document.content.saveState.lastSave;
    if (save !== last) {
      last = save;
      void history.refresh();
    }
  };
  document.content.saveStateChanged.connect(onChange);
  history.disposed.connect(() =>
    document.content.saveStateChanged.disconnect(onChange)
  );
}

export interface IVersionCommandServices extends IFileBrowsers {
  readonly env: IVersionsEnvironment;
  readonly panels: VersionPanels;
  readonly palette?: ICommandPalette | null;
  /** The path of the ONLYOFFICE tab the user works in, if any. */
  readonly currentPath: () => string | null;
}

/** Whether a file is one of the office formats ONLYOFFICE opens. */
export function hasVersionHistory(path: string): boolean {
  return formatOf(PathExt.basename(path)) !== undefined;
}

export function addVersionCommands(
  app: JupyterFrontEnd,
  services: IVersionCommandServices
): void {
  const { trans } = services.env;
  app.commands.addCommand(CommandIDs.versionHistory, {
    label: trans.__('Version History…'),
    caption: trans.__(
      'Earlier versions of the file kept by ONLYOFFICE saves: preview, restore or download them'
    ),
    describedBy: {
      args: { type: 'object', properties: { path: PATH_ARG } }
    },
    isVisible: args => {
      const path =
        typeof args.path === 'string'
          ? args.path
          : selectedFile(services)?.path;
      return !!path && hasVersionHistory(path);
    },
    execute: (args: ReadonlyPartialJSONObject) => {
      const path =
        typeof args.path === 'string'
          ? args.path
          : selectedFile(services)?.path;
      return path ? services.panels.open(path) : undefined;
    }
  });
  addFileMenuItem(app, services, CommandIDs.versionHistory, 12);
  app.commands.addCommand(CommandIDs.currentVersionHistory, {
    label: trans.__('ONLYOFFICE: Version History of the current document'),
    caption: trans.__(
      'Earlier versions of the document in the current ONLYOFFICE tab'
    ),
    describedBy: { args: { type: 'object', properties: {} } },
    isEnabled: () => services.currentPath() !== null,
    execute: () => {
      const path = services.currentPath();
      return path ? services.panels.open(path) : undefined;
    }
  });
  services.palette?.addItem({
    command: CommandIDs.currentVersionHistory,
    category: trans.__('ONLYOFFICE')
  });
}
