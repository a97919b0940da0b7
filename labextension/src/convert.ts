/**
 * "Convert to…" in the file browser: ONLYOFFICE Docs converts the file and
 * the server saves the result beside it; progress and the outcome show as
 * lab notifications, and the new file is selected in the file browser.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

import { convertFile } from './api';
import {
  addFileMenuItem,
  currentBrowser,
  type IFileCommandServices,
  PATH_ARG,
  revealInBrowser,
  selectedFile
} from './browser';
import { readyForOnlyOffice } from './configure';
import { convertTargets } from './formats';
import { CommandIDs } from './tokens';

export interface IConvertServices extends IFileCommandServices {
  /** Shows ONLYOFFICE Settings; true when addresses were saved. */
  readonly configure: () => Promise<boolean>;
}

export function addConvertCommand(
  app: JupyterFrontEnd,
  services: IConvertServices
): void {
  const { trans } = services;
  app.commands.addCommand(CommandIDs.convert, {
    label: trans.__('Convert to…'),
    caption: trans.__(
      'Save a copy in another format, converted by ONLYOFFICE Docs'
    ),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: PATH_ARG,
          format: {
            type: 'string',
            description: 'The target extension, such as pdf (default: ask)'
          }
        }
      }
    },
    isVisible: () => {
      const file = selectedFile(services);
      return !!file && convertTargets(file.name).length > 0;
    },
    execute: async (args: ReadonlyPartialJSONObject) => {
      const path =
        typeof args.path === 'string'
          ? args.path
          : selectedFile(services)?.path;
      if (!path) {
        return;
      }
      const name = PathExt.basename(path);
      const ready = await readyForOnlyOffice(
        services,
        trans.__('ONLYOFFICE Docs converts %1.', name)
      );
      if (!ready) {
        return;
      }
      const format =
        typeof args.format === 'string'
          ? args.format
          : await chooseFormat(trans, name, convertTargets(name));
      if (!format) {
        return;
      }
      const browser = currentBrowser(services);
      // A fresh notification for the outcome rather than Notification.promise:
      // the lab's toast sometimes misses the update of a fast conversion.
      const pending = Notification.emit(
        trans.__('Converting %1 to %2…', name, format.toUpperCase()),
        'in-progress',
        { autoClose: false }
      );
      let result: string;
      try {
        result = await convertFile(path, format, services.serverSettings);
      } catch (error) {
        Notification.dismiss(pending);
        Notification.error(
          trans.__(
            '%1 could not be converted: %2',
            name,
            error instanceof Error ? error.message : String(error)
          ),
          { autoClose: false }
        );
        return;
      }
      Notification.dismiss(pending);
      Notification.success(trans.__('Saved %1', PathExt.basename(result)), {
        autoClose: 8000,
        actions: [
          {
            label: trans.__('Open'),
            callback: () =>
              void app.commands.execute('docmanager:open', { path: result })
          }
        ]
      });
      await revealInBrowser(browser, result);
      return result;
    }
  });
  addFileMenuItem(app, services, CommandIDs.convert, 10);
}

/** Ask which format to convert to; null when cancelled. */
async function chooseFormat(
  trans: TranslationBundle,
  name: string,
  targets: readonly string[]
): Promise<string | null> {
  const result = await showDialog({
    title: trans.__('Convert %1', name),
    body: new FormatPicker(trans, targets),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Convert') })
    ]
  });
  return result.button.accept ? result.value : null;
}

class FormatPicker extends Widget implements Dialog.IBodyWidget<string> {
  constructor(trans: TranslationBundle, targets: readonly string[]) {
    super();
    this.addClass('jp-wopi-convert');
    const label = document.createElement('label');
    label.textContent = trans.__('Save a copy as');
    this._select.className = 'jp-mod-styled';
    for (const target of targets) {
      this._select.appendChild(new Option(`.${target}`, target));
    }
    label.appendChild(this._select);
    const hint = document.createElement('p');
    hint.textContent = trans.__(
      'The copy is saved in the same folder; the original stays as it is.'
    );
    this.node.append(label, hint);
  }

  getValue(): string {
    return this._select.value;
  }

  private readonly _select = document.createElement('select');
}
