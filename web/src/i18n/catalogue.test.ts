import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import { chosenLanguage } from "./catalogue";
import { CATALOGUES, MESSAGES } from "./messages";

const SOURCE = join(__dirname, "..");

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx$/.test(name) && !/\.test\./.test(name) ? [path] : [];
  });
}

/** Text a person would read, written straight into a component instead of a catalogue. */
function literalTexts(path: string): string[] {
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visible = /[A-Za-z\u4e00-\u9fff]/;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && visible.test(node.text)) found.push(node.text.trim());
    if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
      const name = node.name.getText();
      if (["title", "label", "placeholder", "aria-label", "alt", "okText", "cancelText"].includes(name)) {
        found.push(`${name}="${node.initializer.text}"`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found.map((text) => `${path.slice(SOURCE.length + 1)}: ${text}`);
}

describe("catalogues", () => {
  it("have the same keys in zh-CN and English, in every feature", () => {
    for (const catalogue of CATALOGUES) {
      expect(Object.keys(catalogue.en).sort()).toEqual(Object.keys(catalogue["zh-CN"]).sort());
    }
  });

  it("never give one key twice across features", () => {
    const total = CATALOGUES.reduce((sum, catalogue) => sum + Object.keys(catalogue.en).length, 0);
    expect(Object.keys(MESSAGES.en)).toHaveLength(total);
  });

  it("hold every user-visible string: no component writes one of its own", () => {
    expect(sources(SOURCE).flatMap(literalTexts)).toEqual([]);
  });
});

describe("chosenLanguage", () => {
  const storage = () => {
    const items = new Map<string, string>();
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
  };

  it("is zh-CN unless ?lang=en asks otherwise, and keeps the choice for the session", () => {
    const kept = storage();
    expect(chosenLanguage("", kept)).toBe("zh-CN");
    expect(chosenLanguage("?lang=en", kept)).toBe("en");
    expect(chosenLanguage("", kept)).toBe("en");
    expect(chosenLanguage("?lang=xx", kept)).toBe("en");
  });
});
