/**
 * The bar of notices: a live region, so that a notice added while the user
 * works in the editor is read out; each notice a named group of its buttons.
 */

import { NoticeBar } from '../notices';

describe('NoticeBar', () => {
  it('is a live region holding one named group per notice', () => {
    const notices = new NoticeBar('Dismiss');
    expect(notices.node.getAttribute('aria-live')).toBe('polite');
    const run = jest.fn();
    notices.show('theme', {
      text: 'The lab theme changed.',
      actions: [{ label: 'Reload', run }]
    });
    const bar = notices.node.querySelector<HTMLElement>('[data-notice=theme]')!;
    expect(bar.getAttribute('role')).toBe('group');
    expect(bar.getAttribute('aria-label')).toBe('The lab theme changed.');
    const [reload, dismiss] = Array.from(bar.querySelectorAll('button'));
    expect(reload.textContent).toBe('Reload');
    expect(dismiss.getAttribute('aria-label')).toBe('Dismiss');
    reload.click(); // an action makes the notice moot
    expect(run).toHaveBeenCalledTimes(1);
    expect(notices.has('theme')).toBe(false);
  });
});
