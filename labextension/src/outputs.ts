/**
 * Office documents in notebook outputs: what `jupyter_wopi.Document` sends
 * (jupyter_wopi/document.py), and where that file is on the server.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Contents } from '@jupyterlab/services';

import type { IOfficeEnvironment } from './tokens';

/** `Document(...)` displayed: a file shown inline. */
export const DOCUMENT_MIME = 'application/vnd.jupyter-wopi.document+json';

/** `Document(...).open()`: the lab opens the file in an ONLYOFFICE tab. */
export const OPEN_MIME = 'application/vnd.jupyter-wopi.open+json';

/**
 * `Document(...).insert_image(...)`: the lab inserts an image into the
 * document's open editor.
 */
export const INSERT_IMAGE_MIME =
  'application/vnd.jupyter-wopi.insert-image+json';

/** The file a kernel named, as `Document` describes it. */
export interface IKernelFile {
  /** As the code wrote it: relative to the kernel's working folder, or absolute. */
  readonly path: string;
  /** Relative to the root of the server the kernel found serving it, if any. */
  readonly serverPath: string | null;
  /** The kernel saw running servers, and none serves the file. */
  readonly outsideRoot: boolean;
}

export interface IDocumentOutput extends IKernelFile {
  /** CSS height of the view. */
  readonly height: string;
  readonly mode: 'view' | 'edit';
}

export interface IOpenRequest extends IKernelFile {
  /** Set while the request is new; the kernel removes it once displayed. */
  readonly request: string | null;
}

/** `Document`'s default, for outputs that do not say. */
const DEFAULT_HEIGHT = '480px';

/** The kernel's description of a file, or null when the output is not one. */
export function readKernelFile(data: unknown): IKernelFile | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return null;
  }
  const given = data as Record<string, unknown>;
  if (typeof given.path !== 'string' || !given.path) {
    return null;
  }
  return {
    path: given.path,
    serverPath:
      typeof given.server_path === 'string' && given.server_path
        ? given.server_path
        : null,
    outsideRoot: given.outside_root === true
  };
}

export function readDocumentOutput(data: unknown): IDocumentOutput | null {
  const file = readKernelFile(data);
  if (!file) {
    return null;
  }
  const given = data as Record<string, unknown>;
  const height = given.height;
  return {
    ...file,
    height:
      typeof height === 'number' && height > 0
        ? `${height}px`
        : typeof height === 'string' && CSS_LENGTH.test(height)
          ? height
          : DEFAULT_HEIGHT,
    mode: given.mode === 'edit' ? 'edit' : 'view'
  };
}

export function readOpenRequest(data: unknown): IOpenRequest | null {
  const file = readKernelFile(data);
  if (!file) {
    return null;
  }
  const request = (data as Record<string, unknown>).request;
  return { ...file, request: typeof request === 'string' ? request : null };
}

/** The image of an insert request, as the kernel sent it. */
export interface IKernelImage {
  /** The image's URL, issued by the server; only while the request is new. */
  readonly url: string | null;
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
}

export interface IInsertImageRequest extends IKernelFile {
  /** Set while the request is new; the kernel removes it once displayed. */
  readonly request: string | null;
  readonly image: IKernelImage;
}

/** An insert request (the document is the file named), or null when the output is not one. */
export function readInsertImageRequest(
  data: unknown
): IInsertImageRequest | null {
  const file = readKernelFile(data);
  if (!file) {
    return null;
  }
  const { request, image } = data as Record<string, unknown>;
  if (image === null || typeof image !== 'object' || Array.isArray(image)) {
    return null;
  }
  const given = image as Record<string, unknown>;
  return {
    ...file,
    request: typeof request === 'string' && request ? request : null,
    image: {
      url: typeof given.url === 'string' && given.url ? given.url : null,
      name: typeof given.name === 'string' ? given.name : '',
      size: typeof given.size === 'number' && given.size >= 0 ? given.size : 0,
      contentType:
        typeof given.content_type === 'string' ? given.content_type : ''
    }
  };
}

/** A length the output may use as its height (no `calc()` or other code). */
const CSS_LENGTH = /^\d+(\.\d+)?(px|em|rem|vh|%)$/;

/**
 * Where the file is on the server: the path the kernel computed from its
 * server's root, else the path as written, taken relative to the notebook's
 * folder (the kernel's working folder, unless the code changed it). The
 * first that exists wins; null when neither does.
 */
export async function locateFile(
  file: IKernelFile,
  resolver: IRenderMime.IResolver | null,
  contents: Contents.IManager
): Promise<string | null> {
  const candidates: string[] = [];
  if (file.serverPath) {
    candidates.push(file.serverPath);
  }
  if (resolver && !file.path.startsWith('/')) {
    // "/folder/results.xlsx", URI-encoded, from the notebook's own path.
    const url = await resolver.resolveUrl(file.path);
    candidates.push(PathExt.normalize(decodeURI(url)).replace(/^\/+/, ''));
  }
  // The usual case names one file twice: ask the server once.
  for (const path of new Set(candidates)) {
    try {
      const found = await contents.get(path, { content: false });
      if (found.type !== 'directory') {
        return found.path;
      }
    } catch {
      // not there: the next candidate
    }
  }
  return null;
}

export interface IOutputServices {
  readonly env: IOfficeEnvironment;
  readonly contents: Contents.IManager;
  /**
   * Open a file in an ONLYOFFICE tab; `beside`: asked by code running in the
   * current notebook, so the tab opens to its right and the notebook stays
   * current (a Run All goes on where the user watches it).
   */
  readonly openInTab: (path: string, beside?: boolean) => void;
}
