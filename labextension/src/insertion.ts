/**
 * Putting an image into an open editor, the same way from the picker, a drop
 * and code: the server issues a short-lived URL for the image (a workspace
 * file, or bytes the lab sends), and the panel tells its editor
 * Action_InsertGraphic with it; ONLYOFFICE then downloads it itself. Also
 * the sentences for what cannot be inserted.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import { ApiError, requestImageUrl } from './api';
import type { IDropRefusal } from './dropData';
import type { IImageUrl, ImageUrlRequest } from './wire';

/** An image to insert: a file of the workspace, or bytes (a notebook output). */
export type ImageSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'bytes'; readonly data: string; readonly name: string };

/** The editor an image goes into (an OfficePanel). */
export interface IImageTarget {
  /** The document's lab path. */
  readonly path: string;
  insertImage(url: string): boolean;
}

export interface IInsertEnvironment {
  readonly serverSettings: ServerConnection.ISettings;
  readonly trans: TranslationBundle;
}

/** The name an image shows in sentences. */
export function sourceName(source: ImageSource): string {
  return source.kind === 'file' ? PathExt.basename(source.path) : source.name;
}

/**
 * Insert `source` into the editor of `target`.
 *
 * @throws {ApiError} with the server's sentence when it refuses the image
 *   (not an image ONLYOFFICE inserts, too large, gone), or when the editor
 *   closed meanwhile.
 */
export async function insertImage(
  target: IImageTarget,
  source: ImageSource,
  env: IInsertEnvironment
): Promise<IImageUrl> {
  const document = target.path;
  const request: ImageUrlRequest =
    source.kind === 'file'
      ? { path: source.path, document }
      : { data: source.data, name: source.name, document };
  const image = await requestImageUrl(request, env.serverSettings);
  if (!target.insertImage(image.url)) {
    throw new ApiError(
      env.trans.__(
        '%1 is no longer open for editing, so %2 was not inserted. Open it for editing and insert the image again.',
        PathExt.basename(document),
        sourceName(source)
      )
    );
  }
  return image;
}

/** Why a figure or file cannot go into a document, in words. */
export function refusalText(
  trans: TranslationBundle,
  refusal: IDropRefusal
): string {
  switch (refusal.reason) {
    case 'svg':
      return svgText(trans);
    case 'several':
      return trans.__(
        'Drop one image at a time: ONLYOFFICE inserts one image per drop.'
      );
    case 'nothing':
      return trans.__('Nothing that can be inserted was dropped.');
    case 'not-image':
      return refusal.name
        ? trans.__(
            '%1 is not an image ONLYOFFICE can insert: drop a PNG, JPEG, GIF or BMP file, or a figure from a notebook.',
            refusal.name
          )
        : trans.__(
            'Only images can be inserted here: drop a PNG, JPEG, GIF or BMP file, or a figure from a notebook.'
          );
  }
}

/** Said of SVG figures and files, which ONLYOFFICE does not insert from a URL. */
export function svgText(trans: TranslationBundle): string {
  return trans.__(
    'SVG cannot be inserted into ONLYOFFICE documents: save the figure as PNG.'
  );
}
