/**
 * Calls to the jupyter_wopi server: editor sessions, file status, locks, versions,
 * conversions, the ONLYOFFICE addresses and the connection doctor. A call whose failure the user reads
 * throws an ApiError (a SessionError when opening a file) with a sentence;
 * the polls get lumino's errors as they are (a 404 means the file is gone).
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { DoctorLines, readBody } from './doctorStream';
import { API_NAMESPACE, fetchAPI, readResponse, requestAPI } from './request';
import type {
  ConnectionChange,
  IConflictEvent,
  IConflictList,
  IConnectionReport,
  IConnectionSettings,
  IConvertRequest,
  IConvertResponse,
  IFileStatus,
  IImageList,
  IImageUrl,
  ILockedFile,
  ILockList,
  IRestoreResult,
  ISessionRequest,
  ISessionResponse,
  IVersionList,
  ImageUrlRequest
} from './wire';

/** A session the panel can load: ONLYOFFICE is configured and answered. */
export interface IEditorSession extends ISessionResponse {
  readonly action_url: string;
  readonly onlyoffice_origin: string;
}

/** A call failed; `message` is a sentence for the user (often the server's). */
export class ApiError extends Error {
  /**
   * @param status - the HTTP status, 0 when the server was not reached
   *   (502 means ONLYOFFICE is unreachable from Jupyter)
   */
  constructor(
    message: string,
    readonly status = 0
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Opening a file in the editor failed. */
export class SessionError extends ApiError {
  /**
   * @param notConfigured - the server has no usable ONLYOFFICE address
   */
  constructor(
    message: string,
    status = 0,
    readonly notConfigured = false
  ) {
    super(message, status);
    this.name = 'SessionError';
  }
}

/**
 * Ask the server for an editor session.
 *
 * @throws {SessionError} with the server's explanation when the file cannot
 *   be opened (missing, unsupported, ONLYOFFICE unreachable or not set up).
 */
export async function openSession(
  request: ISessionRequest,
  serverSettings?: ServerConnection.ISettings
): Promise<IEditorSession> {
  const response = await ask<ISessionResponse>(
    'sessions',
    { method: 'POST', body: JSON.stringify(request) },
    serverSettings,
    SessionError
  );
  return usableSession(response);
}

/**
 * Run the server's connection doctor: every hop between the browser, Jupyter
 * and ONLYOFFICE, with the fix for each failure. The server streams what it
 * is checking (`?progress=1`, JSON lines) before the report.
 *
 * @param onProgress - called with each step as the server starts it
 * @throws {ApiError} when the server cannot be asked.
 */
export async function checkConnection(
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings(),
  onProgress: (step: string) => void = () => undefined
): Promise<IConnectionReport> {
  let response: Response;
  try {
    response = await fetchAPI('status?progress=1', {}, serverSettings);
    if (!response.ok) {
      // A refusal is one JSON object with a message, as from every other call.
      await readResponse<never>(response);
    }
  } catch (error) {
    throw failure(error);
  }
  const lines = new DoctorLines(onProgress);
  try {
    await readBody(response, chunk => lines.push(chunk));
  } catch (error) {
    throw failure(new ServerConnection.NetworkError(error as TypeError));
  }
  const report = lines.end();
  if (!report) {
    throw new ApiError(
      'The Jupyter server ended the connection check without a report. ' +
        "Look for an error of jupyter_wopi in the server's log.",
      response.status
    );
  }
  return report;
}

/** Saves kept as conflict copies whose copy still exists, oldest first. */
export async function fetchConflicts(
  serverSettings?: ServerConnection.ISettings
): Promise<readonly IConflictEvent[]> {
  return (await requestAPI<IConflictList>('conflicts', {}, serverSettings))
    .conflicts;
}

/** Forget a conflict event: the user has seen it (the copy stays). */
export async function dismissConflict(
  id: string,
  serverSettings?: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<void>(
    `conflicts/${encodeURIComponent(id)}`,
    { method: 'DELETE' },
    serverSettings
  );
}

/** The server's view of one file; rejects with a ResponseError (404: gone). */
export function fetchFileStatus(
  fileId: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IFileStatus> {
  return requestAPI<IFileStatus>(
    `files/${encodeURIComponent(fileId)}`,
    {},
    serverSettings
  );
}

/** Every file locked for editing. */
export async function fetchLocks(
  serverSettings?: ServerConnection.ISettings
): Promise<readonly ILockedFile[]> {
  return (await requestAPI<ILockList>('locks', {}, serverSettings)).locks;
}

/**
 * Release a lock left behind; the editor that held it can still save.
 *
 * @throws {ApiError} with the server's explanation
 */
export async function releaseLock(
  fileId: string,
  serverSettings?: ServerConnection.ISettings
): Promise<void> {
  await ask<void>(
    `locks/${encodeURIComponent(fileId)}`,
    { method: 'DELETE' },
    serverSettings
  );
}

/**
 * Convert a file with ONLYOFFICE into a new file beside it.
 *
 * @returns the new file's path
 * @throws {ApiError} with the server's explanation
 */
export async function convertFile(
  path: string,
  format: string,
  serverSettings?: ServerConnection.ISettings
): Promise<string> {
  const body: IConvertRequest = { path, format };
  const answer = await ask<IConvertResponse>(
    'convert',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
  return answer.path;
}

/** The ONLYOFFICE addresses in force, where each came from, who may change them. */
export function fetchConnectionSettings(
  serverSettings?: ServerConnection.ISettings
): Promise<IConnectionSettings> {
  return requestAPI<IConnectionSettings>('connection', {}, serverSettings);
}

/**
 * Set addresses ("" forgets one).
 *
 * @throws {ServerConnection.ResponseError} with the server's sentence when
 *   one cannot be set; then nothing was changed.
 */
export function saveConnectionSettings(
  values: ConnectionChange,
  serverSettings?: ServerConnection.ISettings
): Promise<IConnectionSettings> {
  return requestAPI<IConnectionSettings>(
    'connection',
    { method: 'PUT', body: JSON.stringify(values) },
    serverSettings
  );
}

/** Which file's versions: its lab path, or its id once known (it follows renames). */
export type VersionsOf =
  { readonly path: string } | { readonly fileId: string };

/**
 * A file now and its kept versions, newest first.
 *
 * @throws {ApiError} with the server's explanation
 */
export function fetchVersions(
  file: VersionsOf,
  serverSettings?: ServerConnection.ISettings
): Promise<IVersionList> {
  const endPoint =
    'fileId' in file
      ? `versions/${encodeURIComponent(file.fileId)}`
      : `versions${URLExt.objectToQueryString({ path: file.path })}`;
  return ask<IVersionList>(endPoint, {}, serverSettings);
}

/**
 * Put a version's bytes back into the file; the bytes it held become a
 * version first, and editors of the file are asked to reload.
 *
 * @throws {ApiError} with the server's explanation (403, 404, 409, 503)
 */
export function restoreVersion(
  fileId: string,
  versionId: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IRestoreResult> {
  return ask<IRestoreResult>(
    `${versionPath(fileId, versionId)}/restore`,
    { method: 'POST', body: JSON.stringify({}) },
    serverSettings
  );
}

/**
 * Where the browser downloads a version, named after the file and the
 * version's time. A plain GET: Jupyter's login cookie authenticates it.
 */
export function versionDownloadUrl(
  fileId: string,
  versionId: string,
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): string {
  return (
    URLExt.join(
      serverSettings.baseUrl,
      API_NAMESPACE,
      versionPath(fileId, versionId)
    ) + URLExt.objectToQueryString({ download: '1' })
  );
}

function versionPath(fileId: string, versionId: string): string {
  return `versions/${encodeURIComponent(fileId)}/${encodeURIComponent(versionId)}`;
}

/**
 * The workspace's images ONLYOFFICE can insert, in and below `folder`, newest first.
 *
 * @throws {ApiError} with the server's explanation
 */
export function fetchWorkspaceImages(
  folder: string,
  serverSettings?: ServerConnection.ISettings
): Promise<IImageList> {
  return ask<IImageList>(
    `images${URLExt.objectToQueryString({ folder })}`,
    {},
    serverSettings
  );
}

/**
 * A short-lived URL ONLYOFFICE downloads an image from (a workspace file, or
 * bytes the lab sends), to answer Action_InsertGraphic with.
 *
 * @throws {ApiError} with the server's sentence (415 not an image ONLYOFFICE
 *   inserts, such as SVG; 413 too large; 404 no such file)
 */
export function requestImageUrl(
  request: ImageUrlRequest,
  serverSettings?: ServerConnection.ISettings
): Promise<IImageUrl> {
  return ask<IImageUrl>(
    'images',
    { method: 'POST', body: JSON.stringify(request) },
    serverSettings
  );
}

/** The session when it can be loaded, else a SessionError saying why not. */
export function usableSession(response: ISessionResponse): IEditorSession {
  if (response.action_url && response.onlyoffice_origin) {
    return response as IEditorSession;
  }
  throw new SessionError(
    response.problem ||
      'The Jupyter server returned no ONLYOFFICE editor address for this file.',
    200,
    true
  );
}

/** The error class a failed call throws. */
type ErrorClass = new (message: string, status: number) => ApiError;

/**
 * Call the server extension; any failure becomes an ApiError (or `Failure`)
 * with a sentence for the user.
 */
async function ask<T>(
  endPoint: string,
  init: RequestInit,
  serverSettings: ServerConnection.ISettings | undefined,
  Failure: ErrorClass = ApiError
): Promise<T> {
  try {
    return await requestAPI<T>(endPoint, init, serverSettings);
  } catch (error) {
    throw failure(error, Failure);
  }
}

/** A failed request as an error whose message the user can act on. */
function failure(error: unknown, Failure: ErrorClass = ApiError): ApiError {
  const status =
    error instanceof ServerConnection.ResponseError ? error.response.status : 0;
  return new Failure(describeFailure(error), status);
}

function describeFailure(error: unknown): string {
  if (error instanceof ServerConnection.NetworkError) {
    return `The Jupyter server could not be reached (${error.message}). Check that it is still running.`;
  }
  if (error instanceof ServerConnection.ResponseError) {
    const { status, statusText } = error.response;
    // requestAPI puts the server's JSON message in `message` when it sent one;
    // otherwise it is lumino's "Invalid response" or an HTML error page.
    const message = error.message.trim();
    if (
      message &&
      !message.startsWith('Invalid response:') &&
      !message.startsWith('<')
    ) {
      return message;
    }
    if (status === 404) {
      // Tornado's own 404 page: the route does not exist on this server.
      return (
        'The jupyter_wopi server extension is not running on this Jupyter server: it ' +
        "is not enabled or failed to load. Look for 'jupyter_wopi' in the server's log " +
        'and run `jupyter server extension list`.'
      );
    }
    return `The Jupyter server answered ${status} ${statusText}.`.replace(
      ' .',
      '.'
    );
  }
  return error instanceof Error ? error.message : String(error);
}
