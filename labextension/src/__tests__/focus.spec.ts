/**
 * FocusTracker: the editor is told to grab or release the keyboard as the
 * focus moves between its frame and the lab.
 */

import { FocusTracker } from '../focus';

describe('FocusTracker', () => {
  let frame: HTMLIFrameElement;
  let input: HTMLInputElement;
  let changes: boolean[];
  let tracker: FocusTracker;

  beforeEach(() => {
    frame = document.createElement('iframe');
    input = document.createElement('input');
    document.body.append(frame, input);
    changes = [];
    tracker = new FocusTracker(frame, focused => changes.push(focused));
  });

  afterEach(() => {
    tracker.dispose();
    document.body.replaceChildren();
  });

  it('reports the lab taking the focus (a dialog, a menu, the palette)', () => {
    frame.focus();
    input.focus();
    expect(changes).toEqual([true, false]);
    expect(tracker.editorFocused).toBe(false);
  });

  it('reports only changes', () => {
    input.focus();
    input.blur();
    input.focus();
    expect(changes).toEqual([]);
  });

  it('notices a click into the frame through the window losing focus', async () => {
    input.focus();
    jest.spyOn(document, 'activeElement', 'get').mockReturnValue(frame);
    window.dispatchEvent(new Event('blur'));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(changes).toEqual([true]);
    jest.restoreAllMocks();
  });

  it('stops listening when disposed', () => {
    tracker.dispose();
    frame.focus();
    input.focus();
    expect(changes).toEqual([]);
    expect(tracker.isDisposed).toBe(true);
  });
});
