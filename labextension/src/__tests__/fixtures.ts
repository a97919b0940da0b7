/**
 * What the server answers, shared by the specs that need the same answer.
 */

/** The connection doctor's report: one hop fails. */
export const REPORT = {
  ok: false,
  checks: [
    {
      hop: 'ONLYOFFICE → Jupyter',
      verdict: 'error',
      message: 'Set JUPYTER_WOPI_BASE_URL.'
    }
  ]
};
