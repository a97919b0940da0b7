/**
 * The editor's Close (UI_Close) where a page holds one document: Jupyter
 * Notebook 7's editor page. Closing the tab there would leave an empty grey
 * page, so the page goes to Notebook's file tree of the document's folder,
 * where the user came from.
 */

import { PageConfig, PathExt, URLExt } from '@jupyterlab/coreutils';

/** Notebook 7's page of one document (its `notebookPage` is 'edit'). */
export function isSingleDocumentPage(
  notebookPage: string = PageConfig.getOption('notebookPage')
): boolean {
  return notebookPage === 'edit';
}

/** Notebook's file tree of the folder that holds `path`. */
export function folderTreeUrl(baseUrl: string, path: string): string {
  const folder = PathExt.dirname(path);
  return folder
    ? URLExt.join(baseUrl, 'tree', URLExt.encodeParts(folder))
    : URLExt.join(baseUrl, 'tree');
}

/** After the editor's Close on a one-document page, show the document's folder. */
export function returnToFolder(
  baseUrl: string,
  path: string,
  go: (url: string) => void = url => window.location.assign(url)
): void {
  go(folderTreeUrl(baseUrl, path));
}
