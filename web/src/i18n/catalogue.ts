// Every user-visible string lives in a catalogue: one per feature, both languages side by side.
// A unit test checks that zh-CN and English have the same keys in every catalogue.

export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export type Catalogue = Record<Language, Record<string, string>>;

/** A feature's catalogue, its keys prefixed with the feature's name. */
export function catalogue(feature: string, messages: Catalogue): Catalogue {
  const prefixed = (language: Language) =>
    Object.fromEntries(Object.entries(messages[language]).map(([key, text]) => [`${feature}.${key}`, text]));
  return { "zh-CN": prefixed("zh-CN"), en: prefixed("en") };
}

export function merged(catalogues: Catalogue[]): Catalogue {
  return {
    "zh-CN": Object.assign({}, ...catalogues.map((c) => c["zh-CN"])),
    en: Object.assign({}, ...catalogues.map((c) => c.en)),
  };
}

const LANGUAGE_KEY = "shijian.lang";

/** `?lang=en` opens the console in English; the choice lasts for the tab's session. */
export function chosenLanguage(search: string, storage: Pick<Storage, "getItem" | "setItem">): Language {
  const asked = new URLSearchParams(search).get("lang");
  const found = LANGUAGES.find((language) => language.toLowerCase() === asked?.toLowerCase());
  if (found) {
    storage.setItem(LANGUAGE_KEY, found);
    return found;
  }
  const kept = storage.getItem(LANGUAGE_KEY);
  return LANGUAGES.find((language) => language === kept) ?? "zh-CN";
}

export function keepLanguage(language: Language, storage: Pick<Storage, "setItem">): void {
  storage.setItem(LANGUAGE_KEY, language);
}
