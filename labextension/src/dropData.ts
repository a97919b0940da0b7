/**
 * What a drag onto an ONLYOFFICE panel carries, read without the DOM: a
 * notebook figure (the lab's own drag type, else the image's data URL), or
 * files of the file browser (their paths). Used by the drop zone
 * (dropzone.ts); unit-tested.
 */

import { PathExt } from '@jupyterlab/coreutils';

import { figureFileName, INSERTABLE_TYPES, SVG_TYPE } from './figures';

/** A figure output dragged from a notebook: set on dragstart by the drop zone. */
export const FIGURE_DRAG_TYPE = 'application/x-jupyter-wopi-figure';

/** The file browser's lumino drag: the paths of the files dragged. */
export const CONTENTS_DRAG_TYPE = 'application/x-jupyter-icontents';

/** An image's bytes dropped: base64, what they are and the name they take. */
export interface IDroppedBytes {
  readonly kind: 'bytes';
  readonly mime: string;
  readonly data: string;
  readonly name: string;
}

/** A workspace file dropped from the file browser. */
export interface IDroppedFile {
  readonly kind: 'file';
  readonly path: string;
}

/** Something that cannot be inserted, and why, in words. */
export interface IDropRefusal {
  readonly kind: 'refused';
  readonly reason: 'svg' | 'not-image' | 'several' | 'nothing';
  /** The file's name, when one was dropped. */
  readonly name?: string;
}

export type DropContent = IDroppedBytes | IDroppedFile | IDropRefusal;

/** The drag data of a figure: where it comes from, and its bytes. */
export interface IFigureDrag {
  readonly notebook: string;
  readonly executionCount: number | null;
  readonly mime: string;
  readonly data: string;
}

/** The JSON string a figure's drag carries under FIGURE_DRAG_TYPE. */
export function formatFigureDrag(figure: IFigureDrag): string {
  return JSON.stringify(figure);
}

/** A figure drag's data, or null when it is not one. */
export function readFigureDrag(text: string): IFigureDrag | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return null;
  }
  const {
    notebook,
    executionCount,
    mime,
    data: bytes
  } = data as Record<string, unknown>;
  if (
    typeof notebook !== 'string' ||
    typeof mime !== 'string' ||
    typeof bytes !== 'string' ||
    !bytes ||
    !(executionCount === null || Number.isInteger(executionCount))
  ) {
    return null;
  }
  return {
    notebook,
    executionCount: executionCount as number | null,
    mime,
    data: bytes
  };
}

/** A base64 `data:` URL's type and bytes; null for anything else. */
export function parseDataUrl(
  url: string
): { readonly mime: string; readonly data: string } | null {
  const match = /^data:([\w.+-]+\/[\w.+-]+)((?:;[^;,]*)*);base64,(.*)$/s.exec(
    url.trim()
  );
  if (!match) {
    return null;
  }
  const data = match[3].replace(/\s+/g, '');
  return data ? { mime: match[1].toLowerCase(), data } : null;
}

/** The image types ONLYOFFICE inserts, by extension (the server checks the bytes). */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.bmp']);

export function isInsertableFile(path: string): boolean {
  return IMAGE_EXTENSIONS.has(PathExt.extname(path).toLowerCase());
}

/** The file browser's drag data: a list of paths (anything else: none). */
export function readContentsDrag(data: unknown): string[] {
  return Array.isArray(data)
    ? data.filter((path): path is string => typeof path === 'string')
    : [];
}

/** What dropping these file browser paths inserts. */
export function dropFromFiles(paths: readonly string[]): DropContent {
  if (paths.length === 0) {
    return { kind: 'refused', reason: 'nothing' };
  }
  if (paths.length > 1) {
    return { kind: 'refused', reason: 'several' };
  }
  const [path] = paths;
  const name = PathExt.basename(path);
  if (PathExt.extname(path).toLowerCase() === '.svg') {
    return { kind: 'refused', reason: 'svg', name };
  }
  return isInsertableFile(path)
    ? { kind: 'file', path }
    : { kind: 'refused', reason: 'not-image', name };
}

/**
 * What a native drop inserts: the figure type first (it names the image),
 * else an image's data URL (`text/uri-list`, as a dragged `<img>` carries).
 *
 * @param read - the drop's data of a type ('' when absent)
 */
export function dropFromTransfer(read: (type: string) => string): DropContent {
  const figure = readFigureDrag(read(FIGURE_DRAG_TYPE));
  if (figure) {
    return bytesDrop(figure.mime, figure.data, figureFileName(figure));
  }
  const uris = read('text/uri-list')
    .split(/\r?\n/)
    .filter(line => line && !line.startsWith('#'));
  const image = parseDataUrl(uris[0] ?? read('text/plain'));
  if (image) {
    return bytesDrop(image.mime, image.data, `image${extension(image.mime)}`);
  }
  return { kind: 'refused', reason: 'not-image' };
}

function bytesDrop(mime: string, data: string, name: string): DropContent {
  if (mime === SVG_TYPE) {
    return { kind: 'refused', reason: 'svg', name };
  }
  if (!(INSERTABLE_TYPES as readonly string[]).includes(mime)) {
    return { kind: 'refused', reason: 'not-image', name };
  }
  return { kind: 'bytes', mime, data, name };
}

function extension(mime: string): string {
  return mime === 'image/jpeg' ? '.jpg' : `.${mime.split('/')[1] ?? 'png'}`;
}
