import type { IntlShape } from "react-intl";

/** The catalogue's text for `id` when it has one, else the service's own word as it is. */
export function known(intl: IntlShape, id: string, fallback: string): string {
  return id in intl.messages ? intl.formatMessage({ id }) : fallback;
}
