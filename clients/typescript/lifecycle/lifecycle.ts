// The whole escrow lifecycle through the generated client, as an integrator would write it:
// hire (the first milestone is funded) -> submit -> approve -> payout onboarding -> paid -> invoice PDF.
// Run against a Development API (offline payment simulator): node dist/lifecycle/lifecycle.js <baseUrl>
// It compiles with `tsc --strict` and uses no non-null assertion: what the API always returns is typed as present.
import { randomUUID } from "node:crypto";
import { createApiClient, type ApiClient, type Problem, type Schemas } from "../src/index.js";

const baseUrl = process.argv[2] ?? "http://localhost:5080";

/** The body of a successful response, or a failure that shows the problem the API sent. */
function ok<T>(step: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    const problem = result.error as Problem | undefined;
    throw new Error(`${step}: HTTP ${result.response.status} ${problem?.code ?? ""} ${problem?.detail ?? JSON.stringify(result.error)}`);
  }
  console.log(`${step}: ${result.response.status}`);
  return result.data;
}

function expect(step: string, condition: boolean, detail: string): void {
  if (!condition) {
    throw new Error(`${step}: ${detail}`);
  }
}

async function signIn(role: Schemas["UserRole"], name: string, email: string): Promise<{ api: ApiClient; id: string }> {
  const anonymous = createApiClient(baseUrl);
  const token = ok(`token for ${role}`, await anonymous.POST("/dev/token", { body: { role, name, email } }));
  const api = createApiClient(baseUrl, token.accessToken);
  const me = ok(`${role} me`, await api.GET("/api/v1/me"));
  expect("me", me.id === token.userId && me.role === role, `expected ${token.userId} as ${role}, got ${me.id} as ${me.role}`);
  return { api, id: me.id };
}

/** Plays the person on a hosted page: opens the link and submits its form, as a browser would. */
async function completeHostedPage(url: string): Promise<void> {
  const page = await fetch(url);
  const html = await page.text();
  expect("hosted page", page.ok, `GET ${url} answered ${page.status}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  expect("hosted page", action !== undefined, "the page has no form");
  const submitted = await fetch(new URL(action ?? "", url), { method: "POST" });
  expect("hosted page", submitted.ok, `submitting the form answered ${submitted.status}`);
  console.log("hosted onboarding page completed");
}

async function waitForPaid(api: ApiClient, milestoneId: string): Promise<Schemas["MilestoneResponse"]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const milestone = ok("get milestone", await api.GET("/api/v1/milestones/{milestoneId}", { params: { path: { milestoneId } } }));
    if (milestone.status === "paid") {
      return milestone;
    }
    expect("payout", Date.now() < deadline, `still ${milestone.status} (${milestone.payout.reason ?? "no reason"}) after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const employer = await signIn("employer", "Grace Hopper", "grace.hopper@example.com");
const trainer = await signIn("trainer", "Ada Lovelace", "ada.lovelace@example.com");

const card = ok("attach card", await employer.api.POST("/api/v1/billing/payment-methods", { body: { paymentMethodId: "pm_card_visa" } }));
expect("attach card", card.defaultPaymentMethod?.last4 === "4242", "the default payment method is not the visa card");

const job = ok("create job", await employer.api.POST("/api/v1/jobs", { body: { title: "Label 5,000 RLHF preference pairs" } }));
const hireKey = randomUUID();
const hire = {
  params: { path: { jobId: job.id }, header: { "Idempotency-Key": hireKey } },
  body: { trainerId: trainer.id, firstMilestone: { description: "First 1,000 preference pairs", amount: 50000 } },
};
const hired = ok("hire", await employer.api.POST("/api/v1/jobs/{jobId}/contracts", hire));
const milestone = hired.funding.milestone;
expect("hire", milestone.status === "active_funded", `the first milestone is ${milestone.status}`);
expect("hire", milestone.fees.employerTotal === 50000 + milestone.fees.marketplaceFee + milestone.fees.contractInitiationFee, "fees do not add up");
expect("hire", milestone.funding.lastError === null && milestone.submission === null, "a fresh milestone has no error and no submission");

const replay = await employer.api.POST("/api/v1/jobs/{jobId}/contracts", hire);
expect("hire replay", replay.response.headers.get("Idempotent-Replayed") === "true" && replay.data?.contract.id === hired.contract.id, "a repeat with the same key is not the first response");

const submitted = ok("submit", await trainer.api.POST("/api/v1/milestones/{milestoneId}/submit", {
  params: { path: { milestoneId: milestone.id } },
  body: { note: "All 1,000 pairs are labelled." },
}));
expect("submit", submitted.status === "pending_approval" && submitted.submission?.note === "All 1,000 pairs are labelled.", `submitted is ${submitted.status}`);

const approved = ok("approve", await employer.api.POST("/api/v1/milestones/{milestoneId}/approve", { params: { path: { milestoneId: milestone.id } } }));
expect("approve", approved.status === "payout_pending" && approved.approval?.approvedBy === employer.id, `approved is ${approved.status}`);

const declined = await trainer.api.POST("/api/v1/milestones/{milestoneId}/approve", { params: { path: { milestoneId: milestone.id } } });
expect("approve as trainer", declined.response.status === 403 && declined.error?.code === "forbidden", `a trainer approving got ${declined.response.status}`);

ok("start payout setup", await trainer.api.POST("/api/v1/payouts/account", { body: { country: "US" } }));
const link = ok("onboarding link", await trainer.api.POST("/api/v1/payouts/account/onboarding-link", {}));
await completeHostedPage(link.url);

const paid = await waitForPaid(employer.api, milestone.id);
expect("paid", paid.payout.status === "paid" && paid.payout.transferId !== null && paid.payout.reason === null, "the payout facts are not those of a paid milestone");
console.log(`milestone ${paid.id} paid by transfer ${paid.payout.transferId ?? ""}`);

const invoices = ok("trainer invoices", await trainer.api.GET("/api/v1/invoices", { params: { query: { milestoneId: milestone.id, kind: "trainer_payout" } } }));
const payoutInvoice = invoices.data[0];
expect("payout invoice", payoutInvoice !== undefined && payoutInvoice.total === 50000, "no payout invoice of 50000");
const pdf = await trainer.api.GET("/api/v1/invoices/{invoiceId}/pdf", {
  params: { path: { invoiceId: payoutInvoice?.id ?? "" } },
  parseAs: "arrayBuffer",
});
const bytes = new Uint8Array(ok("invoice pdf", pdf));
expect("invoice pdf", new TextDecoder().decode(bytes.subarray(0, 5)) === "%PDF-" && pdf.response.headers.get("content-type") === "application/pdf", "not a PDF");
console.log(`invoice ${payoutInvoice?.number ?? ""} PDF: ${bytes.length} bytes`);
console.log("LIFECYCLE OK");
