/**
 * Notebook 7's "New" dropdown offers the office documents, and keeps them
 * when Notebook rebuilds the menu.
 */

import { CommandRegistry } from '@lumino/commands';
import { MessageLoop } from '@lumino/messaging';
import { Menu, MenuBar, Widget } from '@lumino/widgets';

import { findNewMenu, keepItems } from '../newmenu';

const OFFICE = ['office:document', 'office:spreadsheet'];

function notebookNewMenu(commands: CommandRegistry): Menu {
  const menu = new Menu({ commands });
  menu.addItem({ command: 'notebook:create-new' });
  menu.addItem({ command: 'filebrowser:create-new-file' });
  return menu;
}

function dropdown(menu: Menu, name: string): MenuBar {
  const bar = new MenuBar();
  bar.addMenu(menu);
  bar.node.dataset.jpItemName = name;
  return bar;
}

const commandsOf = (menu: Menu) =>
  menu.items.map(item => (item.type === 'separator' ? '—' : item.command));

describe('findNewMenu', () => {
  it('finds the menu of the toolbar item "new-dropdown"', () => {
    const commands = new CommandRegistry();
    const menu = notebookNewMenu(commands);
    const items = [
      new Widget(),
      dropdown(new Menu({ commands }), 'other'),
      dropdown(menu, 'new-dropdown')
    ];
    expect(findNewMenu(items)).toBe(menu);
  });

  it('finds nothing in JupyterLab’s file browser toolbar', () => {
    expect(findNewMenu([new Widget(), new Widget()])).toBeNull();
  });
});

describe('keepItems', () => {
  it('adds the commands after a separator, once', () => {
    const menu = notebookNewMenu(new CommandRegistry());
    keepItems(menu, OFFICE);
    MessageLoop.sendMessage(menu, Widget.Msg.UpdateRequest);
    expect(commandsOf(menu)).toEqual([
      'notebook:create-new',
      'filebrowser:create-new-file',
      '—',
      ...OFFICE
    ]);
  });

  it('puts them back when Notebook rebuilds the menu', () => {
    const menu = notebookNewMenu(new CommandRegistry());
    keepItems(menu, OFFICE);
    menu.clearItems(); // the kernel specs changed
    menu.addItem({ command: 'notebook:create-new' });
    MessageLoop.sendMessage(menu, Widget.Msg.UpdateRequest); // before it shows
    expect(commandsOf(menu)).toEqual(['notebook:create-new', '—', ...OFFICE]);
  });
});
