import { describe, expect, it } from "vitest";

import { batches, parseRegister } from "./register";

const HEADER = "name,entity_type,operator_name,operator_id_number,address,community_code,lon,lat,business_scope,materials";

describe("parseRegister", () => {
  it("turns each line into an establishment with lists split on semicolons", async () => {
    const csv = `\uFEFF${HEADER}\n"老王面馆, 二店",individual_business,王某,11010519491231002X,示范区营门口路 18 号,510106001001,104.01,30.73,catering;retail_food,application_form；operator_id\n`;
    const { rows, refused } = await parseRegister(csv);
    expect(refused).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: "establishment",
      name: "老王面馆, 二店",
      operator: { name: "王某", id_number: "11010519491231002X" },
      address: { text: "示范区营门口路 18 号", community_code: "510106001001", lon: 104.01, lat: 30.73 },
      business_scope: ["catering", "retail_food"],
      materials: ["application_form", "operator_id"],
    });
    expect(rows[0]!.client_id).toMatch(/^register:[0-9a-f]{32}$/);
  });

  it("gives the same row the same client_id, and a changed row another", async () => {
    const line = "A,individual_business,王某,11010519491231002X,地址,510106001001,,,retail_general,";
    const first = await parseRegister(`${HEADER}\n${line}\n`);
    const again = await parseRegister(`${HEADER}\n${line}\n`);
    const edited = await parseRegister(`${HEADER}\n${line.replace("地址", "新地址")}\n`);
    expect(again.rows[0]!.client_id).toBe(first.rows[0]!.client_id);
    expect(edited.rows[0]!.client_id).not.toBe(first.rows[0]!.client_id);
  });

  it("refuses a register without the columns, and names the bad lines", async () => {
    expect((await parseRegister("name,address\nA,B\n")).refused[0]).toMatchObject({ line: 1 });
    const { rows, refused } = await parseRegister(`${HEADER}\nA,individual_business,王某,1,地址,1,east,30,,\n`);
    expect(rows).toEqual([]);
    expect(refused).toEqual([{ line: 2, reason: "lon and lat must be numbers" }]);
  });
});

describe("batches", () => {
  it("cuts a register into the service's batch size", () => {
    const cut = batches([...Array(450).keys()]);
    expect(cut.map((batch) => batch.length)).toEqual([200, 200, 50]);
    expect(batches([])).toEqual([]);
  });
});
