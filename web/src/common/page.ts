// What the gateway wrote into index.html for this page: the CSP nonce and the map tile URL.
// Under Vite's dev server the placeholders stay as they are and mean "none".

function meta(name: string): string | null {
  const content = document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
  return content && !content.startsWith("__") ? content : null;
}

export const cspNonce = () => meta("csp-nonce");
export const tileUrl = () => meta("tile-url");
