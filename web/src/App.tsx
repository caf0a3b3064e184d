import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { useMemo, useState } from "react";
import { IntlProvider } from "react-intl";
import { BrowserRouter, Route, Routes } from "react-router-dom";

import { ExpiredDialog } from "./auth/ExpiredDialog";
import { SignInPage } from "./auth/SignInPage";
import { chosenLanguage, keepLanguage, type Language } from "./i18n/catalogue";
import { LanguageContext } from "./i18n/language";
import { MESSAGES } from "./i18n/messages";
import { ROLE_MODULES } from "./roles";
import { Home, Shell } from "./shell/Shell";
import { NotFound } from "./shell/NotFound";
import { RequireRole } from "./shell/RequireRole";
import { usePrefersReducedMotion } from "./common/motion";
import { cspNonce } from "./common/page";

// Secondary texts dark enough for WCAG AA contrast (Ant Design's defaults are lighter).
const THEME = {
  token: {
    colorPrimary: "#b71c1c",
    colorLink: "#0a4fb4",
    colorLinkHover: "#003a8c",
    colorError: "#c41d1d", // danger buttons: the default red is below AA on white
    colorTextDescription: "rgba(0, 0, 0, 0.65)",
    colorTextTertiary: "rgba(0, 0, 0, 0.62)",
    colorTextQuaternary: "rgba(0, 0, 0, 0.6)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.6)",
    borderRadius: 4,
  },
};

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

export function App() {
  const [language, setLanguage] = useState<Language>(() => chosenLanguage(window.location.search, sessionStorage));
  const context = useMemo(
    () => ({
      language,
      choose: (next: Language) => {
        keepLanguage(next, sessionStorage);
        document.documentElement.lang = next;
        setLanguage(next);
      },
    }),
    [language],
  );
  const reducedMotion = usePrefersReducedMotion();
  const theme = useMemo(() => ({ token: { ...THEME.token, motion: !reducedMotion } }), [reducedMotion]);
  document.documentElement.lang = language;
  const nonce = cspNonce();
  return (
    <LanguageContext.Provider value={context}>
      <IntlProvider locale={language} messages={MESSAGES[language]} defaultLocale="zh-CN">
        <ConfigProvider
          locale={language === "zh-CN" ? zhCN : enUS}
          csp={nonce ? { nonce } : undefined}
          theme={theme}
          button={{ autoInsertSpace: false }}
        >
          <AntApp>
            <QueryClientProvider client={queryClient}>
              <BrowserRouter>
                <Routes>
                  <Route path="/sign-in" element={<SignInPage />} />
                  <Route element={<Shell />}>
                    <Route index element={<Home />} />
                    {ROLE_MODULES.map((module) => (
                      <Route key={module.role} element={<RequireRole role={module.role} />}>
                        {module.routes}
                      </Route>
                    ))}
                    <Route path="*" element={<NotFound />} />
                  </Route>
                </Routes>
                <ExpiredDialog />
              </BrowserRouter>
            </QueryClientProvider>
          </AntApp>
        </ConfigProvider>
      </IntlProvider>
    </LanguageContext.Provider>
  );
}
