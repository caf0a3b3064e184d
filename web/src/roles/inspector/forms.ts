import { useRef } from "react";
import { useIntl } from "react-intl";

import { ApiProblem } from "../../api/problems";

/** The Idempotency-Key of one submission of a form: kept while an answer may have been lost
 * (a retry then records nothing twice), renewed once the service answered with a problem, as
 * the corrected form is a new submission. */
export function useSubmissionKey() {
  const key = useRef("");
  if (!key.current) key.current = crypto.randomUUID();
  return {
    key: () => key.current,
    answered: (error: unknown) => {
      if (error instanceof ApiProblem) key.current = crypto.randomUUID();
    },
  };
}

/** The catalogue as a function, as every screen here uses it. */
export function useText() {
  const intl = useIntl();
  return (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
}
