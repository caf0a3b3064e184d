// RFC 9457 problems as the console shows them: the detail, and each field's message beside it.

export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string;
  reason?: string;
  errors?: FieldError[];
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }

  get fieldErrors(): FieldError[] {
    return this.body.errors ?? [];
  }
}

/** The form field a problem's `body.a.b` path names, as Ant Design's name path. */
export function formPath(field: string): (string | number)[] {
  const parts = field.split(".");
  const start = ["body", "query", "path"].includes(parts[0] ?? "") ? 1 : 0;
  return parts.slice(start).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** What an openapi-fetch call returned, or its problem thrown. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) {
    return result.data as T;
  }
  const body = (typeof result.error === "object" && result.error !== null ? result.error : {}) as ProblemBody;
  throw new ApiProblem(result.response.status, body);
}
