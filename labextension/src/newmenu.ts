/**
 * Jupyter Notebook 7's file browser (the tree view) has a "New" dropdown of
 * its own, built by @jupyter-notebook/tree-extension from a fixed list of
 * commands, with no menu id or token to extend. The office commands join it
 * the way JupyterLab's launcher lists them: the dropdown is found in the
 * file browser's toolbar when it arrives there, and the items are put back
 * each time the menu is rebuilt (it is, whenever the kernel specs change).
 */

import type { FileBrowser } from '@jupyterlab/filebrowser';
import { type Message, MessageLoop } from '@lumino/messaging';
import { type Menu, MenuBar, type Widget } from '@lumino/widgets';

/** The dropdown's name among the file browser's toolbar items. */
const NEW_DROPDOWN = 'new-dropdown';

/** A command only Notebook's "New" menu holds, to know it is that one. */
const NEW_FILE_COMMAND = 'filebrowser:create-new-file';

/** Offer `commands` in the "New" menu of `browser`'s toolbar, if it has one. */
export function extendNewMenu(
  browser: FileBrowser,
  commands: readonly string[]
): void {
  const toolbar = browser.toolbar;
  const found = () => {
    const menu = findNewMenu(toolbar.children());
    if (menu) {
      keepItems(menu, commands);
    }
    return !!menu;
  };
  if (found()) {
    return;
  }
  // Toolbar items arrive once the file browser's settings are loaded.
  const hook = (_: unknown, msg: Message): boolean => {
    if (msg.type === 'child-added') {
      // The item's name is set just after it is added.
      setTimeout(() => {
        if (found()) {
          MessageLoop.removeMessageHook(toolbar, hook);
        }
      }, 0);
    }
    return true;
  };
  MessageLoop.installMessageHook(toolbar, hook);
  browser.disposed.connect(() => MessageLoop.removeMessageHook(toolbar, hook));
}

/** The menu of the toolbar's "New" dropdown, or null. */
export function findNewMenu(items: Iterable<Widget>): Menu | null {
  for (const item of items) {
    if (
      item instanceof MenuBar &&
      item.node.dataset.jpItemName === NEW_DROPDOWN
    ) {
      return (
        item.menus.find(menu =>
          menu.items.some(entry => entry.command === NEW_FILE_COMMAND)
        ) ?? null
      );
    }
  }
  return null;
}

/** Add the commands after a separator, and again after every rebuild. */
export function keepItems(menu: Menu, commands: readonly string[]): void {
  const ensure = () => {
    const missing = commands.filter(
      command => !menu.items.some(item => item.command === command)
    );
    if (missing.length === commands.length) {
      menu.addItem({ type: 'separator' });
    }
    missing.forEach(command => menu.addItem({ command }));
  };
  ensure();
  // Every rebuild (clearItems, addItem) asks for an update before it shows.
  MessageLoop.installMessageHook(menu, (_, msg) => {
    if (msg.type === 'update-request') {
      ensure();
    }
    return true;
  });
}
