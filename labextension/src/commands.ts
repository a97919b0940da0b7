/**
 * Commands: new office documents (File → New, launcher, palette, Notebook's
 * New menu) and Ctrl/Cmd+S in an ONLYOFFICE document.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { ILauncher } from '@jupyterlab/launcher';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { LabIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { readyForOnlyOffice } from './configure';
import type { OfficeDocument } from './factory';
import { documentIcon, presentationIcon, spreadsheetIcon } from './icons';
import type { SaveGuide } from './saving';
import { CommandIDs, FACTORY } from './tokens';

interface INewFileKind {
  readonly command: string;
  readonly ext: string;
  readonly label: string;
  readonly caption: string;
  readonly icon: LabIcon;
  readonly rank: number;
}

export interface ICommandServices {
  readonly trans: TranslationBundle;
  readonly fileBrowser?: IDefaultFileBrowser | null;
  readonly launcher?: ILauncher | null;
  readonly palette?: ICommandPalette | null;
  /** Explains where saving happens. */
  readonly saveGuide: SaveGuide;
  /** The ONLYOFFICE document the user works in, if any. */
  readonly currentDocument: () => OfficeDocument | null;
  readonly serverSettings?: ServerConnection.ISettings;
  /** Shows ONLYOFFICE Settings; true when addresses were saved. */
  readonly configure: () => Promise<boolean>;
}

/** @returns the commands that create office documents, in launcher order. */
export function addCommands(
  app: JupyterFrontEnd,
  services: ICommandServices
): string[] {
  const { trans } = services;
  const kinds: INewFileKind[] = [
    {
      command: CommandIDs.newDocument,
      ext: '.docx',
      label: trans.__('Document'),
      caption: trans.__('Create a new Word document (.docx)'),
      icon: documentIcon,
      rank: 1
    },
    {
      command: CommandIDs.newSpreadsheet,
      ext: '.xlsx',
      label: trans.__('Spreadsheet'),
      caption: trans.__('Create a new Excel spreadsheet (.xlsx)'),
      icon: spreadsheetIcon,
      rank: 2
    },
    {
      command: CommandIDs.newPresentation,
      ext: '.pptx',
      label: trans.__('Presentation'),
      caption: trans.__('Create a new PowerPoint presentation (.pptx)'),
      icon: presentationIcon,
      rank: 3
    }
  ];
  for (const kind of kinds) {
    addNewFileCommand(app, kind, services);
    services.launcher?.add({
      command: kind.command,
      category: trans.__('Office'),
      rank: kind.rank
    });
    services.palette?.addItem({
      command: kind.command,
      category: trans.__('ONLYOFFICE'),
      args: { isPalette: true }
    });
  }
  app.commands.addCommand(CommandIDs.save, {
    label: trans.__('Save in ONLYOFFICE Docs'),
    caption: trans.__(
      'Give the editor the keyboard: ONLYOFFICE Docs saves with its own Save'
    ),
    describedBy: { args: { type: 'object', properties: {} } },
    // Bound to Accel S in documents (schema/plugin.json), before the lab's save.
    execute: () => {
      const document = services.currentDocument();
      if (document) {
        services.saveGuide.explainSave(document);
      }
    }
  });
  return kinds.map(kind => kind.command);
}

function addNewFileCommand(
  app: JupyterFrontEnd,
  kind: INewFileKind,
  services: ICommandServices
): void {
  app.commands.addCommand(kind.command, {
    label: args =>
      args.isPalette
        ? services.trans.__('New %1 (ONLYOFFICE)', kind.label)
        : kind.label,
    caption: kind.caption,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          cwd: {
            type: 'string',
            description:
              "The folder to create the file in (default: the file browser's)"
          },
          isPalette: { type: 'boolean' }
        }
      }
    },
    icon: args => (args.isPalette ? undefined : kind.icon),
    execute: async (args: ReadonlyPartialJSONObject) => {
      const ready = await readyForOnlyOffice(
        services,
        services.trans.__(
          'A new %1 is created and edited in ONLYOFFICE Docs.',
          kind.label.toLowerCase()
        )
      );
      if (!ready) {
        return; // no file nobody could open
      }
      const cwd =
        typeof args.cwd === 'string'
          ? args.cwd
          : (services.fileBrowser?.model.path ?? '');
      // An empty file: the server opens it with ONLYOFFICE's blank template
      // (editnew) and the first save writes a real document.
      const model = await app.serviceManager.contents.newUntitled({
        path: cwd,
        type: 'file',
        ext: kind.ext
      });
      return app.commands.execute('docmanager:open', {
        path: model.path,
        factory: FACTORY
      });
    }
  });
}
