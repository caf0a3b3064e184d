import { useIntl } from "react-intl";

/** The catalogue's text for a key, placeholders filled. */
export function useText() {
  const intl = useIntl();
  return (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
}

/** A timestamp as the bureau reads it, in the screen's language. */
export function useDateTime() {
  const intl = useIntl();
  return (at: string) =>
    new Date(at).toLocaleString(intl.locale, { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "short" });
}
