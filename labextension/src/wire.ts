/**
 * The JSON the jupyter_wopi server and the lab exchange, as it is on the
 * wire: one interface per shape the server sends (jupyter_wopi/handlers/api.py,
 * the file events of event_schemas/file/v1.yaml), its fields named exactly as
 * the server writes them, then the bodies the lab sends. Types only: the
 * calls are in api.ts.
 */

import type { Theme } from './tokens';

// Sent by the server.

/** How the editor shows a file. */
export type SessionMode = 'edit' | 'view' | 'convert';

/** The answer of `POST api/wopi/sessions` (see the README). */
export interface ISessionResponse {
  readonly action_url: string | null;
  readonly access_token: string;
  /** Milliseconds since the epoch at which the token expires. */
  readonly access_token_ttl: number;
  readonly favicon_url: string | null;
  readonly onlyoffice_origin: string | null;
  readonly file_id: string;
  readonly file_name: string;
  readonly path: string;
  readonly mode: SessionMode;
  /** The discovery action chosen: edit, editnew, view, embedview, convert. */
  readonly action: string | null;
  readonly problem: string | null;
  /** Why a file the user may edit opens read-only (another application's lock). */
  readonly notice?: string | null;
  /** The notice is about another application's lock, which the user may release. */
  readonly locked_elsewhere?: boolean;
  /** The file's WOPISrc, as ONLYOFFICE is given it (the lab does not read it). */
  readonly wopi_src?: string;
}

/** One hop of the connection doctor (`GET api/wopi/status`). */
export interface IConnectionCheck {
  readonly hop: string;
  readonly verdict: 'ok' | 'warning' | 'error' | 'skipped';
  /** What is wrong, in one headline sentence. */
  readonly message: string;
  /** The address the verdict is about, "" for none. */
  readonly setting: AddressName | '';
  /** What to set, one sentence ("" when the server cannot tell). */
  readonly fix: string;
  /** The likely right value of `setting` ("" when the server cannot tell). */
  readonly suggestion: string;
  /** The other likely causes, one sentence each (behind "More"). */
  readonly more: readonly string[];
}

/** The answer of `GET api/wopi/status`. */
export interface IConnectionReport {
  readonly ok: boolean;
  readonly checks: readonly IConnectionCheck[];
}

/** A line of `GET api/wopi/status?progress=1`: a step the doctor starts. */
export interface IDoctorProgress {
  readonly progress: string;
}

/** The last line of `GET api/wopi/status?progress=1`: the report. */
export interface IDoctorResult {
  readonly result: IConnectionReport;
}

/** Who holds a file's editing lock (`api/wopi/files/{id}`, `api/wopi/locks`). */
export interface ILockInfo {
  /** Every holder's name, joined by ", " (co-editors join the lock). */
  readonly holder_name: string;
  /** Seconds since the epoch. */
  readonly locked_at: number;
  readonly expires_at: number;
  /** The current user is among the holders (absent from older servers: false). */
  readonly you?: boolean;
  /** The other holders' names joined by ", ", "" when there are none. */
  readonly others?: string;
}

/** A lock in the list of `GET api/wopi/locks`. */
export interface ILockedFile extends ILockInfo {
  readonly file_id: string;
  readonly path: string;
}

/** The answer of `GET api/wopi/locks`. */
export interface ILockList {
  readonly locks: readonly ILockedFile[];
}

/** The editor's last save of a file. */
export interface ISaveRecord {
  /** What was on disk after the save (see IFileStatus.content_stamp). */
  readonly content_stamp: string;
  readonly user_name: string;
  /** Seconds since the epoch. */
  readonly saved_at: number;
  /** The conflict copy the save went to, or '' when it went into the file. */
  readonly kept_as: string;
  /**
   * Why it went to a copy: 'changed', 'read-only', 'deleted' or 'relocked';
   * 'template' when it was ONLYOFFICE's blank document going into an empty
   * file (nobody's own save yet).
   */
  readonly reason?: string;
}

/** ISaveRecord.reason of ONLYOFFICE's blank document (host/saving.py BLANK_TEMPLATE). */
export const BLANK_TEMPLATE = 'template';

/**
 * A save kept as a conflict copy (`api/wopi/conflicts`): the file had changed
 * on disk, was deleted or made read-only, or someone else had locked it.
 * Later saves of the same editing session update the same event and copy.
 */
export interface IConflictEvent {
  /** Unique in this lab: "12" for the server's own, "team-7" for a team folder's. */
  readonly id: string;
  /** The file the editor was saving. */
  readonly path: string;
  /** Where its bytes went instead. */
  readonly conflict_path: string;
  readonly user_name: string;
  /** Seconds since the epoch. */
  readonly created_at: number;
  readonly updated_at: number;
  /**
   * Why: 'changed', 'read-only', 'deleted', 'relocked' or 'revoked' (absent
   * from older servers: 'changed').
   */
  readonly reason?: string;
  /** Passed on unread: whose save it was, and what the editor had loaded. */
  readonly user_id?: string;
  readonly base_stamp?: string;
  /** In `api/wopi/conflicts` only: the file's id. */
  readonly file_id?: string;
}

/** The answer of `GET api/wopi/conflicts`: copies that still exist, oldest first. */
export interface IConflictList {
  readonly conflicts: readonly IConflictEvent[];
}

/** A copy the editor saved under another name (Save As). */
export interface ISavedCopy {
  readonly path: string;
  readonly created_at: number;
}

/** `GET api/wopi/files/{id}`: an open file as the server sees it now. */
export interface IFileStatus {
  readonly file_id: string;
  /** The current path: it follows renames. */
  readonly path: string;
  readonly name: string;
  readonly size: number;
  /** Changes whenever the bytes on disk change (not on rename). */
  readonly content_stamp: string;
  readonly lock: ILockInfo | null;
  readonly last_save: ISaveRecord | null;
  readonly conflicts: readonly IConflictEvent[];
  /** Copies the editor saved under other names (Save As), newest first. */
  readonly copies: readonly ISavedCopy[];
}

/** The answer of `POST api/wopi/convert`: the new file's path. */
export interface IConvertResponse {
  readonly path: string;
}

export type AddressName =
  'onlyoffice_url' | 'onlyoffice_internal_url' | 'base_url';

/** One address as the server has it (`GET api/wopi/connection`). */
export interface IAddress {
  readonly name: AddressName;
  /** In force, normalised; "" when unset or refused. */
  readonly value: string;
  readonly source: 'config' | 'environment' | 'lab' | 'default';
  /** What was given, when it was refused. */
  readonly given: string;
  /** Why it was refused ("" when it was not). */
  readonly error: string;
  /** Its environment variable, e.g. JUPYTER_WOPI_ONLYOFFICE_URL. */
  readonly variable: string;
  readonly editable: boolean;
  /** Its last verdict (the connection check's, or opening a file's), null: none yet. */
  readonly last_check: IConnectionCheck | null;
}

/** The answer of `GET` and `PUT api/wopi/connection`. */
export interface IConnectionSettings {
  readonly lab_may_change: boolean;
  /** Why the lab may not change the addresses, when it may not. */
  readonly why_not: string;
  readonly addresses: readonly IAddress[];
  /** Where ONLYOFFICE reaches Jupyter when base_url is empty. */
  readonly default_base_url: string;
  /** Whether ONLYOFFICE can be used now. */
  readonly configured: boolean;
  /** Why it cannot, when it cannot. */
  readonly problem: string;
}

/** A refusal, from any call: a sentence for the user (`status` not always). */
export interface IErrorResponse {
  readonly message: string;
  readonly status?: number;
}

/**
 * A file event on the server's event bus (`api/events/subscribe`, schema
 * FILE_EVENTS_SCHEMA of env.ts): a save, lock, copy, rename or restore of a file.
 */
export interface IFileEventData {
  readonly action:
    | 'saved'
    | 'kept-as-copy'
    | 'copied'
    | 'locked'
    | 'unlocked'
    | 'renamed'
    | 'restored';
  /** The WOPI file id (`api/wopi/files/{id}`). */
  readonly file_id: string;
  readonly path: string;
  /** The conflict copy's or the new file's path (kept-as-copy, copied). */
  readonly copy_path?: string;
}

/** What made a version's bytes (or the file's bytes now). */
export type VersionKind =
  'save' | 'restore' | 'conflict' | 'loaded' | 'external';

/**
 * One kept version of a file: bytes the file held before a save or a
 * restore replaced them, or that an editor loaded.
 */
export interface IVersion {
  readonly id: string;
  readonly file_id: string;
  /** Seconds since the epoch at which these bytes were made (saved, restored, first seen). */
  readonly created_at: number;
  /** Seconds since the epoch at which they became a version. */
  readonly kept_at: number;
  readonly size: number;
  readonly sha256: string;
  readonly kind: VersionKind;
  /** Whose change the bytes carry, "" when unknown. */
  readonly author: string;
  /** Everyone else the editing session's lock named. */
  readonly co_editors: readonly string[];
}

/**
 * The answer of `GET api/wopi/versions?path=` and `api/wopi/versions/{file_id}`:
 * the file now and its versions, newest first.
 */
export interface IVersionList {
  readonly file_id: string;
  readonly path: string;
  readonly name: string;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly modified_at: number;
  /** Of the bytes the file holds now, "" when unknown. */
  readonly author: string;
  /** What made the bytes the file holds now. */
  readonly kind: VersionKind;
  /** Whether this user may restore a version into the file. */
  readonly can_restore: boolean;
  /** Who is editing the file now ("" when nobody). */
  readonly locked_by: string;
  readonly versions: readonly IVersion[];
}

/** The answer of `POST api/wopi/versions/{file_id}/{version_id}/restore`. */
export interface IRestoreResult {
  readonly path: string;
  /** The id of the version whose bytes the file holds again. */
  readonly restored: string;
  /** The bytes the restore replaced, now a version. */
  readonly kept: IVersion | null;
  /** An editor had the file open: it is asked to reload. */
  readonly editors_told: boolean;
}

/**
 * The answer of `POST api/wopi/images`: a URL ONLYOFFICE downloads one image
 * from (Action_InsertGraphic), without any login, until it expires or is used up.
 */
export interface IImageUrl {
  readonly url: string;
  /** Seconds since the epoch. */
  readonly expires_at: number;
  /** Downloads the URL allows. */
  readonly downloads: number;
  /** As the bytes say: image/png, image/jpeg, image/gif or image/bmp. */
  readonly content_type: string;
  readonly size: number;
}

/** One image file of the workspace that ONLYOFFICE can insert. */
export interface IWorkspaceImage {
  /** From the server's root, as the Contents API names it. */
  readonly path: string;
  readonly name: string;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly modified_at: number;
  /** As its extension says; the bytes are checked when a URL is issued. */
  readonly content_type: string;
}

/**
 * The answer of `GET api/wopi/images?folder=`: the workspace's image files in
 * and below a folder, newest first, at most `limit` of them.
 */
export interface IImageList {
  readonly folder: string;
  readonly images: readonly IWorkspaceImage[];
  /** There are more (older ones, or a folder too large to look through). */
  readonly truncated: boolean;
}

// Sent by the lab.

/**
 * What the panel asks the server to open a file for; `embed` is a read-only
 * preview in ONLYOFFICE's embedded viewer (a notebook output).
 */
export type SessionAction = SessionMode | 'embed';

/** The body of `POST api/wopi/sessions`. */
export interface ISessionRequest {
  readonly path: string;
  readonly action: SessionAction;
  readonly language?: string;
  readonly theme?: Theme;
  /** The last load failed: make ONLYOFFICE forget it (a new Version, same file). */
  readonly retry?: boolean;
  /** A kept version's id: a read-only view of that version (action `view`). */
  readonly version?: string;
}

/**
 * The body of `POST api/wopi/images`: a workspace image file, or an image's
 * bytes in base64 (a notebook output) with an optional name; `document` is
 * the file the image goes into (a team folder's document gets a URL of the
 * team service, which ONLYOFFICE reaches for its WOPI calls too).
 */
export type ImageUrlRequest = (
  { readonly path: string } | { readonly data: string; readonly name?: string }
) & { readonly document?: string };

/** The body of `POST api/wopi/convert`. */
export interface IConvertRequest {
  readonly path: string;
  /** The target extension, such as pdf. */
  readonly format: string;
}

/** The body of `PUT api/wopi/connection`: the addresses to set ("" forgets one). */
export type ConnectionChange = Partial<Record<AddressName, string>>;
