/**
 * Icons: one per ONLYOFFICE editor for file types, and the editing lock.
 */

import { LabIcon } from '@jupyterlab/ui-components';

import diagramSvg from '../style/icons/diagram.svg';
import documentSvg from '../style/icons/document.svg';
import lockSvg from '../style/icons/lock.svg';
import presentationSvg from '../style/icons/presentation.svg';
import spreadsheetSvg from '../style/icons/spreadsheet.svg';

export const documentIcon = new LabIcon({
  name: 'jupyter-wopi:document',
  svgstr: documentSvg
});

export const spreadsheetIcon = new LabIcon({
  name: 'jupyter-wopi:spreadsheet',
  svgstr: spreadsheetSvg
});

export const presentationIcon = new LabIcon({
  name: 'jupyter-wopi:presentation',
  svgstr: presentationSvg
});

export const diagramIcon = new LabIcon({
  name: 'jupyter-wopi:diagram',
  svgstr: diagramSvg
});

/** Shown in the file browser beside files being edited in ONLYOFFICE. */
export const lockIcon = new LabIcon({
  name: 'jupyter-wopi:lock',
  svgstr: lockSvg
});
