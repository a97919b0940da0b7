/**
 * The file browser a context-menu command acts on, and its selected file.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type {
  FileBrowser,
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { Contents, ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

/** Matches the file (not folder) items of any file browser listing. */
const FILE_ITEM_SELECTOR = '.jp-DirListing-item[data-isdir="false"]';

export interface IFileBrowsers {
  readonly factory?: IFileBrowserFactory | null;
  readonly defaultBrowser?: IDefaultFileBrowser | null;
}

/** What a file browser command needs. */
export interface IFileCommandServices extends IFileBrowsers {
  readonly trans: TranslationBundle;
  readonly serverSettings: ServerConnection.ISettings;
}

/** The `path` argument of a file browser command, in its schema. */
export const PATH_ARG = {
  type: 'string',
  description: "The file (default: the file browser's selection)"
} as const;

/** The browser the user last used (the one a context menu opened in). */
export function currentBrowser(browsers: IFileBrowsers): FileBrowser | null {
  return (
    browsers.factory?.tracker.currentWidget ?? browsers.defaultBrowser ?? null
  );
}

/** The single selected file of the current browser, if there is one. */
export function selectedFile(
  browsers: IFileBrowsers
): Contents.IModel | undefined {
  const browser = currentBrowser(browsers);
  if (!browser) {
    return undefined;
  }
  const selected = Array.from(browser.selectedItems());
  return selected.length === 1 && selected[0].type !== 'directory'
    ? selected[0]
    : undefined;
}

/** Offer a command in the context menu of file items, when there is a file browser. */
export function addFileMenuItem(
  app: JupyterFrontEnd,
  browsers: IFileBrowsers,
  command: string,
  rank: number
): void {
  if (currentBrowser(browsers)) {
    app.contextMenu.addItem({ command, selector: FILE_ITEM_SELECTOR, rank });
  }
}

/** Refresh a browser showing `path`'s folder and select the file there. */
export async function revealInBrowser(
  browser: FileBrowser | null,
  path: string
): Promise<void> {
  if (!browser || browser.model.path !== PathExt.dirname(path)) {
    return;
  }
  await browser.model.refresh();
  await browser.selectItemByName(PathExt.basename(path));
}
