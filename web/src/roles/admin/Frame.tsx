import { App, ConfigProvider } from "antd";
import { Outlet } from "react-router-dom";

// Ant Design's error red (#ff4d4f) is too light for text and for white on it (WCAG AA 4.5:1):
// the administrator's many danger buttons and their confirmations use a darker one. Confirmations
// come from this frame's own App, so they take the colour too.
const THEME = { token: { colorError: "#c21f1f" } };

/** The administrator's screens, with the colours their destructive actions need. */
export function Frame() {
  return (
    <ConfigProvider theme={THEME}>
      <App component={false}>
        <Outlet />
      </App>
    </ConfigProvider>
  );
}

/** Tag colours dark enough on Ant Design's light tag background (about 6:1 or better). */
export const TAG = {
  green: "#237804",
  orange: "#ad4e00",
  red: "#a8071a",
  blue: "#0047a6",
  gold: "#7c4700",
} as const;
