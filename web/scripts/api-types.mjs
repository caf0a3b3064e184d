// Regenerate src/api/schema.d.ts from a running gateway's merged OpenAPI (GATEWAY_URL, default
// the `make run` gateway). A browser test fails when the committed file is stale.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8000";
const answer = await fetch(`${gateway}/openapi.json`);
if (!answer.ok) {
  console.error(`${gateway}/openapi.json answered ${answer.status}: is the platform running?`);
  process.exit(1);
}
const spec = join(mkdtempSync(join(tmpdir(), "shijian-openapi-")), "openapi.json");
writeFileSync(spec, await answer.text());
execFileSync("npx", ["openapi-typescript", spec, "-o", "src/api/schema.d.ts"], { stdio: "inherit" });
