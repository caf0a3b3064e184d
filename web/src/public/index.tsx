// The public's pages, open without signing in: added here as they are built.
export const PUBLIC_ROUTES = <></>;
