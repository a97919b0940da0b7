/**
 * "Open in New Browser Tab" for office files: the standalone host page
 * (`wopi/open/<path>`, served by the server extension) shows the editor in
 * a whole browser tab. The lab's own command opens a file's download URL,
 * which for an office file downloads it; schema/plugin.json puts this
 * command in its place in the file browser's context menu, and it hands
 * every other file to the lab's command.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import { addIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { currentBrowser, type IFileCommandServices, PATH_ARG } from './browser';
import { CommandIDs, FACTORY } from './tokens';

/** What the lab's command does for one file (download URL in a new tab). */
const LAB_OPEN_BROWSER_TAB = 'docmanager:open-browser-tab';

/** The standalone host page of a file: `<baseUrl>wopi/open/<path>`. */
export function hostPageUrl(baseUrl: string, path: string): string {
  return URLExt.join(baseUrl, 'wopi/open', URLExt.encodeParts(path));
}

/** Whether ONLYOFFICE opens this file when it is double-clicked. */
export function opensInOnlyoffice(
  registry: DocumentRegistry,
  path: string
): boolean {
  return registry.defaultWidgetFactory(path)?.name === FACTORY;
}

export function addOpenBrowserTabCommand(
  app: JupyterFrontEnd,
  services: IFileCommandServices
): void {
  const { trans } = services;
  app.commands.addCommand(CommandIDs.openBrowserTab, {
    label: trans.__('Open in New Browser Tab'),
    caption: trans.__(
      'Open the file in a browser tab of its own (office files in ONLYOFFICE Docs)'
    ),
    icon: addIcon.bindprops({ stylesheet: 'menuItem' }),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: PATH_ARG
        }
      }
    },
    execute: async (args: ReadonlyPartialJSONObject) => {
      const paths =
        typeof args.path === 'string'
          ? [args.path]
          : Array.from(currentBrowser(services)?.selectedItems() ?? [])
              .filter(item => item.type !== 'directory')
              .map(item => item.path);
      const office = paths.filter(path =>
        opensInOnlyoffice(app.docRegistry, path)
      );
      // First, while the click still allows the browser to open tabs.
      for (const path of office) {
        if (!openTab(hostPageUrl(services.serverSettings.baseUrl, path))) {
          Notification.error(
            trans.__(
              'The browser blocked the new tab. Allow pop-ups for this site and try again.'
            )
          );
          return;
        }
      }
      for (const path of paths.filter(p => !office.includes(p))) {
        await app.commands.execute(LAB_OPEN_BROWSER_TAB, { path });
      }
    }
  });
}

/**
 * A new browser tab that cannot reach back into the lab.
 *
 * @returns false when the browser blocked it.
 */
export function openTab(url: string): boolean {
  // Opened blank first, as the lab does: `noopener` would hide a blocked popup.
  const opened = window.open();
  if (!opened) {
    return false;
  }
  opened.opener = null;
  opened.location.href = url;
  return true;
}
