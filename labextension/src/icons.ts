/**
 * Icons: one per ONLYOFFICE editor for file types, and the editing lock.
 */

import { LabIcon } from '@jupyterlab/ui-components';

import diagramSvg from '../style/icons/diagram.svg';
import documentSvg from '../style/icons/document.svg';
import lockSvg from '../style/icons/lock.svg';
import presentationSvg from '../style/icons/presentation.svg';
import spreadsheetSvg from '../style/icons/spreadsheet.svg';

/** The plugin's icon named `name`. */
function icon(name: string, svgstr: string): LabIcon {
  return new LabIcon({ name: `jupyter-wopi:${name}`, svgstr });
}

export const documentIcon = icon('document', documentSvg);
export const spreadsheetIcon = icon('spreadsheet', spreadsheetSvg);
export const presentationIcon = icon('presentation', presentationSvg);
export const diagramIcon = icon('diagram', diagramSvg);

/** Shown in the file browser beside files being edited in ONLYOFFICE. */
export const lockIcon = icon('lock', lockSvg);
