/**
 * The user settings (`schema/plugin.json`), read defensively: a hand-edited
 * settings file must not break opening documents.
 */

import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { FormatGroup } from './formats';

export type EditorMode = 'edit' | 'view';

/** Groups whose mode the user chooses; diagrams only ever open for viewing. */
export type ModeGroup = Exclude<FormatGroup, 'diagram'>;

export interface IOfficeSettings {
  /** Open the editor in the lab's light or dark theme. */
  readonly followLabTheme: boolean;
  /** The mode a file opens in, per editor. */
  readonly defaultMode: Readonly<Record<ModeGroup, EditorMode>>;
}

export const DEFAULT_SETTINGS: IOfficeSettings = {
  followLabTheme: true,
  defaultMode: {
    document: 'edit',
    spreadsheet: 'edit',
    presentation: 'edit',
    pdf: 'edit'
  }
};

/** The settings from the registry's composite value, defaults where invalid. */
export function readSettings(
  composite: ReadonlyPartialJSONObject | undefined
): IOfficeSettings {
  const follow = composite?.followLabTheme;
  const modes = composite?.defaultMode;
  const given: Readonly<Record<string, unknown>> =
    modes !== null && typeof modes === 'object' && !Array.isArray(modes)
      ? (modes as ReadonlyPartialJSONObject)
      : {};
  const defaultMode = { ...DEFAULT_SETTINGS.defaultMode };
  for (const group of Object.keys(defaultMode) as ModeGroup[]) {
    const mode = given[group];
    if (mode === 'edit' || mode === 'view') {
      defaultMode[group] = mode;
    }
  }
  return {
    followLabTheme:
      typeof follow === 'boolean' ? follow : DEFAULT_SETTINGS.followLabTheme,
    defaultMode
  };
}

/** The mode for a file of a group under the given settings. */
export function modeFor(
  settings: IOfficeSettings,
  group: FormatGroup
): EditorMode {
  return group === 'diagram' ? 'view' : settings.defaultMode[group];
}
