/**
 * Registers the office file types and the ONLYOFFICE document factories.
 */

import type { DocumentRegistry } from '@jupyterlab/docregistry';
import { fileIcon, type LabIcon, pdfIcon } from '@jupyterlab/ui-components';

import { OfficeModelFactory, OfficeWidgetFactory } from './factory';
import {
  type FormatGroup,
  type IOfficeFormat,
  OFFICE_FORMATS,
  OPEN_WITH_FILE_TYPES
} from './formats';
import {
  diagramIcon,
  documentIcon,
  presentationIcon,
  spreadsheetIcon
} from './icons';
import type { SaveGuide } from './saving';
import { FACTORY, type IOfficeEnvironment, MODEL_NAME } from './tokens';

const GROUP_ICONS: Readonly<Record<FormatGroup, LabIcon>> = {
  document: documentIcon,
  spreadsheet: spreadsheetIcon,
  presentation: presentationIcon,
  pdf: pdfIcon,
  diagram: diagramIcon
};

/**
 * Add the file types the lab does not know yet, then the factories:
 * ONLYOFFICE is the default for office formats and listed under "Open With"
 * for the formats the lab already shows (csv, txt, pdf).
 *
 * @param saveGuide - answers the lab's Save, Save As and Save All for them
 * @returns the widget factory, for tests and for other plugins' use.
 */
export function registerDocuments(
  registry: DocumentRegistry,
  env: IOfficeEnvironment,
  saveGuide?: SaveGuide
): OfficeWidgetFactory {
  const trans = env.trans;
  const officeTypes: string[] = [];
  for (const format of OFFICE_FORMATS) {
    if (!registry.getFileType(format.ext)) {
      registry.addFileType(fileType(format.ext, format));
    }
    officeTypes.push(format.ext);
  }
  const openWith = OPEN_WITH_FILE_TYPES.filter(
    name => registry.getFileType(name) !== undefined
  );
  registry.addModelFactory(new OfficeModelFactory());
  const factory = new OfficeWidgetFactory({
    name: FACTORY,
    label: trans.__('ONLYOFFICE'),
    modelName: MODEL_NAME,
    fileTypes: [...officeTypes, ...openWith],
    defaultFor: officeTypes,
    // Nothing for the lab to save: closing never asks about unsaved changes.
    readOnly: true,
    preferKernel: false,
    canStartKernel: false,
    env,
    saveGuide
  });
  registry.addWidgetFactory(factory);
  factory.widgetCreated.connect((_, widget) => {
    // Document widgets get no tab icon of their own: use the file type's.
    const setIcon = () => {
      const [type] = registry.getFileTypesForPath(widget.context.path);
      widget.title.icon = type?.icon ?? fileIcon;
    };
    setIcon();
    widget.context.pathChanged.connect(setIcon);
  });
  return factory;
}

function fileType(
  name: string,
  format: IOfficeFormat
): Partial<DocumentRegistry.IFileType> {
  return {
    name,
    // Format names are product names: not translated.
    displayName: format.displayName,
    extensions: [`.${format.ext}`],
    mimeTypes: [format.mimeType],
    icon: GROUP_ICONS[format.group],
    contentType: 'file',
    // Binary: if the lab ever reads one (a download, an upload), as base64.
    fileFormat: 'base64'
  };
}
