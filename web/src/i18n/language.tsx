import { createContext, useContext } from "react";

import type { Language } from "./catalogue";

export const LanguageContext = createContext<{ language: Language; choose: (language: Language) => void }>({
  language: "zh-CN",
  choose: () => undefined,
});

export const useLanguage = () => useContext(LanguageContext);
