import { ConfigProvider } from "antd";
import { Outlet } from "react-router-dom";

// Colours Ant Design writes too pale for WCAG AA (4.5:1), darkened for these screens until the
// console's theme does it for every screen:
// - light tags in gold, volcano and orange (gold 2.8:1, volcano 4.4:1), DeadlineTag's "soon"
//   and "today" among them: darker seeds make their text shade read at 5:1 or more (only the
//   seed works: a nested theme's `gold7` is not applied). Green tags stay pale whatever the
//   seed, so these screens use none;
// - a field's error message (#ff4d4f, 3.3:1 on white).
const READABLE = { gold: "#bf7e00", volcano: "#d4380d", orange: "#d46b08", colorError: "#cf1322" };

export function ReadableTheme() {
  return (
    <ConfigProvider theme={{ token: READABLE }}>
      <Outlet />
    </ConfigProvider>
  );
}
