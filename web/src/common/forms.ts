import type { FormInstance } from "antd";

import { ApiProblem, formPath } from "../api/problems";

/** Put a problem's field errors next to their fields; true when any field was named. */
export function showFieldErrors(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof ApiProblem) || error.fieldErrors.length === 0) return false;
  form.setFields(error.fieldErrors.map((field) => ({ name: formPath(field.field), errors: [field.message] })));
  return true;
}
