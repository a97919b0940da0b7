/**
 * File-type icons, one per ONLYOFFICE editor.
 */

import { LabIcon } from '@jupyterlab/ui-components';

import diagramSvg from '../style/icons/diagram.svg';
import documentSvg from '../style/icons/document.svg';
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
