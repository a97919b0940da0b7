/**
 * The file formats the panel offers to open, grouped by ONLYOFFICE editor.
 *
 * ONLYOFFICE's discovery is the authority on what it opens (spec §2.3); this
 * table only decides which files the lab offers to it. A format a particular
 * ONLYOFFICE does not support gets the server's 415 message in the panel.
 */

/** The ONLYOFFICE editor a format opens in; settings choose a mode per group. */
export type FormatGroup =
  'document' | 'spreadsheet' | 'presentation' | 'pdf' | 'diagram';

export interface IOfficeFormat {
  /** Extension without the dot, lower case; also the lab file type's name. */
  readonly ext: string;
  readonly mimeType: string;
  readonly group: FormatGroup;
  readonly displayName: string;
  /**
   * ONLYOFFICE only views it (legacy binary formats and the like). For
   * documents, spreadsheets and presentations it can make an editable copy
   * (spec §7.1).
   */
  readonly viewOnly?: boolean;
}

const ms = 'application/vnd.ms-';
const ooxml = 'application/vnd.openxmlformats-officedocument.';
const odf = 'application/vnd.oasis.opendocument.';

/** Formats the lab cannot show itself: ONLYOFFICE becomes their default. */
export const OFFICE_FORMATS: readonly IOfficeFormat[] = [
  // Documents.
  f('docx', `${ooxml}wordprocessingml.document`, 'document', 'Word Document'),
  f(
    'docm',
    `${ms}word.document.macroEnabled.12`,
    'document',
    'Word Macro-Enabled Document'
  ),
  f('dotx', `${ooxml}wordprocessingml.template`, 'document', 'Word Template'),
  f(
    'dotm',
    `${ms}word.template.macroEnabled.12`,
    'document',
    'Word Macro-Enabled Template'
  ),
  f('odt', `${odf}text`, 'document', 'OpenDocument Text'),
  f('ott', `${odf}text-template`, 'document', 'OpenDocument Text Template'),
  f('rtf', 'application/rtf', 'document', 'Rich Text Document'),
  f('epub', 'application/epub+zip', 'document', 'EPUB Book'),
  f('fb2', 'application/x-fictionbook+xml', 'document', 'FictionBook'),
  f('doc', 'application/msword', 'document', 'Word 97-2003 Document', true),
  f('dot', 'application/msword', 'document', 'Word 97-2003 Template', true),
  f('fodt', `${odf}text-flat-xml`, 'document', 'Flat OpenDocument Text', true),
  f('pages', 'application/vnd.apple.pages', 'document', 'Pages Document', true),
  // Spreadsheets.
  f('xlsx', `${ooxml}spreadsheetml.sheet`, 'spreadsheet', 'Excel Workbook'),
  f(
    'xlsm',
    `${ms}excel.sheet.macroEnabled.12`,
    'spreadsheet',
    'Excel Macro-Enabled Workbook'
  ),
  f(
    'xlsb',
    `${ms}excel.sheet.binary.macroEnabled.12`,
    'spreadsheet',
    'Excel Binary Workbook'
  ),
  f('xltx', `${ooxml}spreadsheetml.template`, 'spreadsheet', 'Excel Template'),
  f(
    'xltm',
    `${ms}excel.template.macroEnabled.12`,
    'spreadsheet',
    'Excel Macro-Enabled Template'
  ),
  f('ods', `${odf}spreadsheet`, 'spreadsheet', 'OpenDocument Spreadsheet'),
  f(
    'ots',
    `${odf}spreadsheet-template`,
    'spreadsheet',
    'OpenDocument Spreadsheet Template'
  ),
  f('xls', `${ms}excel`, 'spreadsheet', 'Excel 97-2003 Workbook', true),
  f('xlt', `${ms}excel`, 'spreadsheet', 'Excel 97-2003 Template', true),
  f(
    'fods',
    `${odf}spreadsheet-flat-xml`,
    'spreadsheet',
    'Flat OpenDocument Spreadsheet',
    true
  ),
  f(
    'numbers',
    'application/vnd.apple.numbers',
    'spreadsheet',
    'Numbers Spreadsheet',
    true
  ),
  // Presentations.
  f(
    'pptx',
    `${ooxml}presentationml.presentation`,
    'presentation',
    'PowerPoint Presentation'
  ),
  f(
    'pptm',
    `${ms}powerpoint.presentation.macroEnabled.12`,
    'presentation',
    'PowerPoint Macro-Enabled Presentation'
  ),
  f(
    'ppsx',
    `${ooxml}presentationml.slideshow`,
    'presentation',
    'PowerPoint Show'
  ),
  f(
    'ppsm',
    `${ms}powerpoint.slideshow.macroEnabled.12`,
    'presentation',
    'PowerPoint Macro-Enabled Show'
  ),
  f(
    'potx',
    `${ooxml}presentationml.template`,
    'presentation',
    'PowerPoint Template'
  ),
  f(
    'potm',
    `${ms}powerpoint.template.macroEnabled.12`,
    'presentation',
    'PowerPoint Macro-Enabled Template'
  ),
  f('odp', `${odf}presentation`, 'presentation', 'OpenDocument Presentation'),
  f(
    'otp',
    `${odf}presentation-template`,
    'presentation',
    'OpenDocument Presentation Template'
  ),
  f(
    'ppt',
    `${ms}powerpoint`,
    'presentation',
    'PowerPoint 97-2003 Presentation',
    true
  ),
  f('pps', `${ms}powerpoint`, 'presentation', 'PowerPoint 97-2003 Show', true),
  f(
    'pot',
    `${ms}powerpoint`,
    'presentation',
    'PowerPoint 97-2003 Template',
    true
  ),
  f(
    'fodp',
    `${odf}presentation-flat-xml`,
    'presentation',
    'Flat OpenDocument Presentation',
    true
  ),
  f('odg', `${odf}graphics`, 'presentation', 'OpenDocument Drawing', true),
  // Fixed-layout documents the lab cannot show.
  f('djvu', 'image/vnd.djvu', 'pdf', 'DjVu Document', true),
  f('xps', 'application/vnd.ms-xpsdocument', 'pdf', 'XPS Document', true),
  f('oxps', 'application/oxps', 'pdf', 'OpenXPS Document', true),
  // Visio (only commercial ONLYOFFICE builds open these).
  f('vsdx', `${ms}visio.drawing.main+xml`, 'diagram', 'Visio Drawing', true),
  f(
    'vsdm',
    `${ms}visio.drawing.macroEnabled.main+xml`,
    'diagram',
    'Visio Macro-Enabled Drawing',
    true
  ),
  f('vstx', `${ms}visio.template.main+xml`, 'diagram', 'Visio Template', true),
  f(
    'vstm',
    `${ms}visio.template.macroEnabled.main+xml`,
    'diagram',
    'Visio Macro-Enabled Template',
    true
  ),
  f('vssx', `${ms}visio.stencil.main+xml`, 'diagram', 'Visio Stencil', true),
  f(
    'vssm',
    `${ms}visio.stencil.macroEnabled.main+xml`,
    'diagram',
    'Visio Macro-Enabled Stencil',
    true
  )
];

/**
 * Lab file types (by their names in the lab) that keep their own default
 * viewer and get ONLYOFFICE under "Open With".
 */
export const OPEN_WITH_FILE_TYPES: readonly string[] = [
  'csv',
  'tsv',
  'text',
  'PDF'
];

/** Groups of the formats the lab already handles, by extension. */
const LAB_FORMAT_GROUPS: Readonly<Record<string, FormatGroup>> = {
  csv: 'spreadsheet',
  tsv: 'spreadsheet',
  txt: 'document',
  pdf: 'pdf'
};

/** The new-file format ONLYOFFICE converts a view-only file of a group to. */
const EDITABLE_TARGET: Partial<Record<FormatGroup, string>> = {
  document: 'docx',
  spreadsheet: 'xlsx',
  presentation: 'pptx'
};

/**
 * What ONLYOFFICE's conversion produces from each group (its `convert-to`
 * outputs that make sense as a file beside the original).
 */
const CONVERT_TARGETS: Readonly<Record<FormatGroup, readonly string[]>> = {
  document: ['docx', 'odt', 'rtf', 'txt', 'html', 'epub', 'pdf'],
  spreadsheet: ['xlsx', 'ods', 'csv', 'pdf'],
  presentation: ['pptx', 'odp', 'pdf'],
  pdf: ['docx'],
  diagram: ['pdf']
};

/**
 * The formats "Convert to…" offers for a file (its own format excluded), or
 * none for files that are not office or office-like formats.
 */
export function convertTargets(fileName: string): readonly string[] {
  const ext = extensionOf(fileName);
  const group = formatOf(fileName)?.group ?? LAB_FORMAT_GROUPS[ext];
  return group ? CONVERT_TARGETS[group].filter(target => target !== ext) : [];
}

/** The lower-case extension of a file name, without the dot. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot <= 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

export function formatOf(fileName: string): IOfficeFormat | undefined {
  const ext = extensionOf(fileName);
  return OFFICE_FORMATS.find(format => format.ext === ext);
}

/** The editor group of a file; plain text and unknown files count as documents. */
export function groupOf(fileName: string): FormatGroup {
  const format = formatOf(fileName);
  return (
    format?.group ?? LAB_FORMAT_GROUPS[extensionOf(fileName)] ?? 'document'
  );
}

/**
 * The extension of the editable copy ONLYOFFICE can make of a view-only file
 * (doc → docx...), or undefined when it cannot.
 */
export function editableCopyExtension(fileName: string): string | undefined {
  const format = formatOf(fileName);
  return format?.viewOnly ? EDITABLE_TARGET[format.group] : undefined;
}

function f(
  ext: string,
  mimeType: string,
  group: FormatGroup,
  displayName: string,
  viewOnly = false
): IOfficeFormat {
  return { ext, mimeType, group, displayName, viewOnly };
}
