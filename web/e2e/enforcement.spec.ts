import { expect, test } from "./console";
import { bureauToday, caseAsService, decidedCase, handInCaseSource } from "./enforcement-api";

test("an officer files a case source with two handlers and takes the case to its close", async ({ page, console, request }) => {
  // A long journey (a dozen steps, an axe check on each screen) on a machine shared by several runs.
  test.setTimeout(420_000);
  const { text } = console;
  const dialog = page.getByRole("dialog");
  const submit = async (name = text("shell.submit")) => {
    await dialog.getByRole("button", { name, exact: true }).click();
    await expect(dialog).toBeHidden();
  };

  // Market order hands a case source to the desk; office-01 is in area 1, so it goes to section-1.
  const allegation = `示范区某商贸公司虚假宣传 ${console.lang} ${Date.now()}`;
  const source = await handInCaseSource(request, "officer11", { source_department: "market", allegation, office_id: "office-01" });
  expect(source.section).toBe("section-1");

  // officer11 lands on the section's case sources and finds it with its verification deadline.
  await console.signIn(page, "officer11");
  await expect(page.getByRole("heading", { name: text("enforcement.sources.title") })).toBeVisible();
  await expect(page.getByRole("link", { name: allegation })).toBeVisible();
  await console.accessible(page);
  await console.screenshot(page, "enforcement-main-1440");
  await page.getByLabel(text("enforcement.sources.filter.q")).fill(allegation);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]q=/);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: allegation }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("verify-due")).toHaveText(text("shell.due.later", { date: source.verify_due }));
  const listAddress = page.url();

  // The deadlines board lists it among the case sources being verified, with the service's due day.
  await page.getByRole("link", { name: text("enforcement.menu.deadlines"), exact: true }).click();
  await expect(page.getByRole("heading", { name: text("enforcement.deadlines.title") })).toBeVisible();
  const waiting = page.getByTestId("verifying").getByRole("row").filter({ has: page.getByRole("link", { name: allegation }) });
  await expect(waiting).toContainText(source.verify_due);
  await console.accessible(page);
  await console.screenshot(page, "enforcement-deadlines-1440");

  // Back to the list: the search is still in place.
  await page.goBack();
  await expect(page).toHaveURL(listAddress);
  await expect(page.getByLabel(text("enforcement.sources.filter.q"))).toHaveValue(allegation);
  await page.getByRole("link", { name: allegation }).click();
  await expect(page.getByRole("heading", { name: text("enforcement.source.title") })).toBeVisible();
  await expect(page.getByTestId("verify-clock-due")).toHaveText(source.verify_due);
  await console.accessible(page);

  // The one approved extension of the verification period moves its deadline; it cannot be asked twice.
  await page.getByRole("button", { name: text("enforcement.source.extension"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.approvedBy")).fill("head01");
  await dialog.getByLabel(text("enforcement.field.reason")).fill("涉及多地经销商，需延长核查");
  await console.accessible(page);
  await submit();
  await expect(page.getByTestId("verify-clock-due")).not.toHaveText(source.verify_due);
  await expect(page.getByRole("button", { name: text("enforcement.source.extension"), exact: true })).toBeDisabled();

  // Testing time is recorded against the verification clock.
  await page.getByRole("button", { name: text("enforcement.source.testing"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.start")).fill(bureauToday(1));
  await dialog.getByLabel(text("enforcement.field.end")).fill(bureauToday(2));
  await dialog.getByLabel(text("enforcement.field.reason")).fill("样品送检");
  await submit();
  await expect(page.getByRole("cell", { name: "样品送检" })).toBeVisible();
  await console.screenshot(page, "enforcement-case-source-1440");

  // Filing needs two different handlers: officer11 alone is refused before anything is sent.
  await page.getByRole("button", { name: text("enforcement.source.file"), exact: true }).click();
  await dialog.getByRole("button", { name: text("enforcement.source.file"), exact: true }).click();
  await expect(dialog.getByText(text("enforcement.rule.handlers.tooFew"))).toBeVisible();
  await console.accessible(page);
  await dialog.getByLabel(text("enforcement.field.handlers")).fill("officer12");
  await page.keyboard.press("Enter");
  await submit(text("enforcement.source.file"));

  // The case: filed, two handlers, the notice comes first.
  await expect(page).toHaveURL(/\/enforcement\/cases\/[0-9a-f-]{36}$/);
  const caseId = page.url().split("/").pop()!;
  await expect(page.getByTestId("case-status")).toHaveText(text("enforcement.caseStatus.filed"));
  await expect(page.getByTestId("handlers")).toHaveText("officer11、officer12");
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.notice"));
  await expect(page.getByRole("button", { name: text("enforcement.action.record"), exact: true })).toHaveCount(0);
  await console.accessible(page);

  await page.getByRole("button", { name: text("enforcement.action.notice"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.deliveredTo")).fill("王某（法定代表人）");
  await console.accessible(page);
  await submit();
  await expect(page.getByTestId("case-status")).toHaveText(text("enforcement.caseStatus.investigating"));
  await expect(page.getByTestId("notice")).toContainText("王某（法定代表人）");

  await page.getByRole("button", { name: text("enforcement.action.record"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.summary")).fill("询问当事人：宣传册所称“销量第一”无依据。");
  await submit();
  await expect(page.getByTestId("records")).toContainText("销量第一");
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.penaltyNotice"));
  // No decision is offered before the notice of the intended penalty is served.
  await expect(page.getByRole("button", { name: text("enforcement.action.decision"), exact: true })).toHaveCount(0);

  // The clock stops for a suspension (its days not counted), then the approved 30 days are added.
  await page.getByRole("button", { name: text("enforcement.action.stop"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.start")).fill(bureauToday(1));
  await dialog.getByLabel(text("enforcement.field.end")).fill(bureauToday(4));
  await dialog.getByLabel(text("enforcement.field.reason")).fill("当事人申请中止");
  await console.accessible(page);
  await submit();
  await expect(page.getByTestId("clock-changes")).toContainText(text("enforcement.stopKind.suspension"));
  await expect(page.getByTestId("decision-clock")).toContainText(text("enforcement.clock.excluded", { days: 4 }));
  const stoppedDue = await page.getByTestId("decision-clock-due").textContent();

  await page.getByRole("button", { name: text("enforcement.action.extension"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.approvedBy")).fill("head01");
  await dialog.getByLabel(text("enforcement.field.reason")).fill("案情复杂");
  await submit();
  await expect(page.getByTestId("clock-changes")).toContainText(text("enforcement.case.approvedBy", { by: "head01" }));
  await expect(page.getByTestId("decision-clock-due")).not.toHaveText(stoppedDue ?? "");

  // 事先告知: the intended fine of 5,000 CNY served on the company today; its statement period runs from it.
  await page.getByRole("button", { name: text("enforcement.action.penaltyNotice"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.facts")).fill("宣传册称产品“销量第一”，无任何依据。");
  await dialog.getByLabel(text("enforcement.penalty.fine"), { exact: true }).check();
  await dialog.getByLabel(text("enforcement.field.amount"), { exact: true }).fill("5000");
  await dialog.getByLabel(text("enforcement.field.legalBasis")).fill("《中华人民共和国广告法》第五十五条");
  await expect(dialog.getByLabel(text("enforcement.field.servedOn"))).toHaveValue(bureauToday());
  await console.accessible(page);
  await submit();
  const notice = page.getByTestId("penalty-notice");
  await expect(notice).toContainText("销量第一");
  await expect(page.getByTestId("intended-penalty")).toContainText("5,000.00");
  // A fine of 5,000 CNY on an organisation is no "large amount": no hearing on offer.
  await expect(page.getByTestId("hearing-offered")).toHaveText(text("enforcement.case.noHearingOffered"));
  await expect(page.getByTestId("statement-clock")).toContainText(text("enforcement.legal.enforcement.statement"));
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.partyHeard"));
  // The case's deadlines name their rules and legal basis.
  const statementDeadline = page.getByTestId("case-deadlines").locator('[data-step="statement"]');
  await expect(statementDeadline).toContainText("enforcement.statement");
  await expect(statementDeadline).toContainText(text("enforcement.deadlineStep.statement"));
  await expect(page.getByTestId("case-deadlines").locator('[data-step="decide"]')).toContainText("enforcement.decide");

  // Asked to decide now, the officer is told the party's period runs until its due day.
  await page.getByRole("button", { name: text("enforcement.action.decision"), exact: true }).click();
  await expect(dialog.getByTestId("decision-wait")).toBeVisible();
  await dialog.getByRole("button", { name: text("shell.cancel"), exact: true }).click();
  await expect(dialog).toBeHidden();

  // The party states its case; the statement is answered before the decision.
  await page.getByRole("button", { name: text("enforcement.action.statement"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.content")).fill("宣传册已全部收回，请求从轻处罚。");
  await console.accessible(page);
  await submit();
  await expect(page.getByTestId("statements")).toContainText("请求从轻处罚");
  await expect(page.getByTestId("statements")).toContainText(text("enforcement.case.unanswered"));
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.answer"));
  await page.getByRole("button", { name: text("enforcement.action.answer"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.case.rejected"), { exact: true }).check();
  await dialog.getByLabel(text("enforcement.field.answerReasons")).fill("违法事实清楚，收回宣传册已在拟处罚时考虑。");
  await console.accessible(page);
  await submit();
  await expect(page.getByTestId("statements")).toContainText(text("enforcement.case.rejected"));
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.decision"));

  // The decision: a fine of 5,000 CNY, made today as the party was heard and answered.
  await page.getByRole("button", { name: text("enforcement.action.decision"), exact: true }).click();
  await expect(dialog.getByTestId("decision-wait")).toHaveCount(0);
  await dialog.getByLabel(text("enforcement.penalty.fine"), { exact: true }).check();
  await dialog.getByLabel(text("enforcement.field.amount"), { exact: true }).fill("5000");
  await dialog.getByLabel(text("enforcement.field.legalBasis")).fill("《中华人民共和国广告法》第五十五条");
  await console.accessible(page);
  await submit();
  await expect(page.getByTestId("case-status")).toHaveText(text("enforcement.caseStatus.decided"));
  await expect(page.getByTestId("decision")).toContainText("5,000.00");
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.service"));
  // The fine falls due only from the decision's service.
  await expect(page.getByRole("button", { name: text("enforcement.action.payment"), exact: true })).toHaveCount(0);

  // 送达: the decision handed to the party today.
  await page.getByRole("button", { name: text("enforcement.action.service"), exact: true }).click();
  await expect(dialog.getByLabel(text("enforcement.field.servedOn"))).toHaveValue(bureauToday());
  await console.accessible(page);
  await submit();
  await expect(page.getByTestId("decision-service")).toHaveText(
    text("enforcement.case.served", { date: bureauToday(), how: text("enforcement.method.in_person") }),
  );
  await expect(page.getByTestId("case-deadlines").locator('[data-step="serve"] [data-state="done"]')).toBeVisible();
  await expect(page.getByTestId("case-deadlines").locator('[data-step="payment"]')).toContainText("enforcement.payment");
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.payment"));

  await page.getByRole("button", { name: text("enforcement.action.payment"), exact: true }).click();
  await submit();
  await expect(page.getByTestId("payment")).toContainText(text("enforcement.case.paidOn", { date: bureauToday() }));

  await page.getByRole("button", { name: text("enforcement.action.returnVisit"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.partyView")).fill("对办案过程无异议");
  await dialog.getByLabel(text("enforcement.satisfaction.satisfied"), { exact: true }).check();
  await submit();
  await expect(page.getByTestId("case-status")).toHaveText(text("enforcement.caseStatus.closed"));
  await expect(page.getByTestId("next-step")).toContainText(text("enforcement.next.none"));
  await console.accessible(page);
  await console.screenshot(page, "enforcement-case-1440");

  // The service agrees: closed, paid, handled by both officers.
  const closed = await caseAsService(request, "officer11", caseId);
  expect(closed.status).toBe("closed");
  expect(closed.paid_on).toBe(bureauToday());
  expect(closed.served_on).toBe(bureauToday());
  expect(closed.penalty_notice?.statements.map((statement) => statement.answer?.accepted)).toEqual([false]);
  expect(closed.handlers).toEqual(["officer11", "officer12"]);

  // The case source now reads filed and leads to its case.
  await page.getByRole("link", { name: source.id.slice(0, 8) }).click();
  await expect(page.getByTestId("source-status")).toHaveText(text("enforcement.sourceStatus.filed"));
  await expect(page.getByRole("link", { name: text("enforcement.source.openCase") })).toBeVisible();

  // The board no longer counts it among the case sources being verified.
  await page.getByRole("link", { name: text("enforcement.menu.deadlines"), exact: true }).click();
  await expect(page.getByTestId("verifying")).toBeVisible();
  await expect(page.getByTestId("verifying").getByRole("link", { name: allegation })).toHaveCount(0);

  // The section's cases list it among those the officer handles, closed; the publicity feed shows it too.
  await page.getByRole("link", { name: text("enforcement.menu.cases"), exact: true }).click();
  await expect(page.getByRole("heading", { name: text("enforcement.cases.list") })).toBeVisible();
  // The filter lives in the address: the box shows ticked once the address has it.
  const mine = page.getByLabel(text("enforcement.cases.filter.mine"));
  await mine.click();
  await expect(mine).toBeChecked();
  await page.getByLabel(text("enforcement.cases.filter.status")).getByText(text("enforcement.caseStatus.closed"), { exact: true }).click();
  await expect(page).toHaveURL(/[?&]mine=1/);
  await expect(page).toHaveURL(/[?&]status=closed/);
  const caseRow = page.getByRole("row").filter({ has: page.getByRole("link", { name: caseId.slice(0, 8), exact: true }) });
  await expect(caseRow).toContainText(allegation);
  await expect(caseRow).toContainText("officer11、officer12");
  await expect(caseRow).toContainText(text("enforcement.caseStatus.closed"));
  await console.accessible(page);
  await console.screenshot(page, "enforcement-cases-1440");
  await caseRow.getByRole("link", { name: caseId.slice(0, 8), exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/enforcement/cases/${caseId}$`));
  await expect(page.getByTestId("case-status")).toHaveText(text("enforcement.caseStatus.closed"));
  await page.getByRole("link", { name: text("enforcement.menu.publicity"), exact: true }).click();
  await expect(page.getByRole("link", { name: caseId.slice(0, 8) })).toBeVisible();
  await console.accessible(page);
});

test("an officer declines two case sources at once and withdraws an annulled decision from publicity", async ({ page, console, request }) => {
  test.setTimeout(240_000);
  const { text } = console;
  const dialog = page.getByRole("dialog");
  const batch = `重复举报 ${console.lang} ${Date.now()}`;
  for (const n of [1, 2]) {
    await handInCaseSource(request, "officer12", { source_department: "trademark", allegation: `${batch} 第${n}件` });
  }
  const caseId = await decidedCase(request, "officer12", `广告违法 ${console.lang} ${Date.now()}`);

  await console.signIn(page, "officer11");
  await page.getByLabel(text("enforcement.sources.filter.q")).fill(batch);
  // The unfiltered list holds the batch too: the rows to choose are the searched list's.
  const searched = page.waitForResponse((answer) => answer.url().includes("/api/enforcement/case-sources?") && answer.url().includes("q="));
  await page.keyboard.press("Enter");
  await searched;
  const rows = page.getByRole("row").filter({ hasText: batch });
  await expect(rows).toHaveCount(2);
  await expect(page.locator(".ant-table-tbody .ant-table-row")).toHaveCount(2);
  for (const row of await rows.all()) await row.getByRole("checkbox").check();
  await expect(page.getByText(text("enforcement.sources.bulk.selected", { count: 2 }))).toBeVisible();
  await page.getByRole("button", { name: text("enforcement.sources.bulk.decline"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.field.declineReasons")).fill("与已立案案件重复");
  await console.accessible(page);
  await dialog.getByRole("button", { name: text("enforcement.source.decline"), exact: true }).click();
  await expect(page.getByText(text("enforcement.sources.bulk.outcome", { done: 2, failed: 0 }))).toBeVisible();
  await expect(rows).toHaveCount(0);
  await page.getByLabel(text("enforcement.sources.filter.status")).getByText(text("enforcement.sourceStatus.declined"), { exact: true }).click();
  await expect(page).toHaveURL(/status=declined/);
  await expect(rows).toHaveCount(2);
  await console.accessible(page);

  // A case decided by a colleague, opened by its number; the decision was annulled on review.
  await page.getByRole("link", { name: text("enforcement.menu.cases"), exact: true }).click();
  await page.getByLabel(text("enforcement.cases.number")).fill(caseId);
  await page.getByRole("button", { name: text("enforcement.cases.open"), exact: true }).click();
  await expect(page.getByTestId("case-status")).toHaveText(text("enforcement.caseStatus.decided"));
  await expect(page.getByTestId("publicity")).not.toContainText(text("enforcement.case.withdrawn"));
  await page.getByRole("button", { name: text("enforcement.action.withdrawal"), exact: true }).click();
  await dialog.getByLabel(text("enforcement.change.annulled"), { exact: true }).check();
  await dialog.getByLabel(text("enforcement.field.changedOn")).fill(bureauToday());
  await dialog.getByLabel(text("enforcement.field.reason")).fill("行政复议决定撤销原处罚决定");
  await dialog.getByRole("button", { name: text("shell.submit"), exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("publicity")).toHaveText(text("enforcement.case.withdrawn"));
  await expect(page.getByRole("button", { name: text("enforcement.action.withdrawal"), exact: true })).toHaveCount(0);
  await console.accessible(page);

  await page.getByRole("link", { name: text("enforcement.menu.publicity"), exact: true }).click();
  await expect(page.getByRole("heading", { name: text("enforcement.publicity.title") })).toBeVisible();
  await expect(page.getByRole("link", { name: caseId.slice(0, 8) })).toHaveCount(0);
});
