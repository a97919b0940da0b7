/**
 * Questions the panel asks the user in lab dialogs.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * Ask before converting a view-only file (spec §7.1): ONLYOFFICE writes the
 * copy beside the original and leaves the original as it is.
 */
export async function confirmEditableCopy(
  trans: TranslationBundle,
  name: string,
  targetExtension: string
): Promise<boolean> {
  const result = await showDialog({
    title: trans.__('Convert to an editable copy?'),
    body: trans.__(
      'ONLYOFFICE Docs can only view %1. It can convert it to a new .%2 file beside it ' +
        'and open that for editing; %1 stays as it is.',
      name,
      targetExtension
    ),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Convert to editable copy') })
    ]
  });
  return result.button.accept;
}
