import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { IntlProvider } from "react-intl";
import { afterEach, describe, expect, it, vi } from "vitest";

import { MoreRows, usePagedList, type Page } from "./PagedList";

afterEach(cleanup);

const first: Page<"tickets", string> = { tickets: ["t1", "t2"], next_cursor: "c1" };
const last: Page<"tickets", string> = { tickets: ["t3"], next_cursor: null };

function withQueries({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <QueryClientProvider client={client}>
      <IntlProvider locale="en" messages={{ "shell.more": "Load more" }}>
        {children}
      </IntlProvider>
    </QueryClientProvider>
  );
}

describe("a paged list", () => {
  it("asks for each page after the cursor of the last and holds the rows of all of them in order", async () => {
    const page = vi.fn(async (cursor: string | null) => (cursor === null ? first : last));
    const { result } = renderHook(() => usePagedList({ queryKey: ["tickets"], page, rowsIn: "tickets" }), {
      wrapper: withQueries,
    });
    await waitFor(() => expect(result.current.data).toEqual(["t1", "t2"]));
    expect(result.current.hasNextPage).toBe(true);
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.data).toEqual(["t1", "t2", "t3"]));
    expect(result.current.hasNextPage).toBe(false);
    expect(page.mock.calls).toEqual([[null], ["c1"]]);
  });

  it("asks nothing while it is not enabled", async () => {
    const page = vi.fn(async () => first);
    const { result } = renderHook(() => usePagedList({ queryKey: ["off"], page, rowsIn: "tickets", enabled: false }), {
      wrapper: withQueries,
    });
    expect(result.current.data).toBeUndefined();
    expect(page).not.toHaveBeenCalled();
  });

  it("offers more only while the service has another page, and asks for it when pressed", () => {
    const fetchNextPage = vi.fn();
    const { rerender } = render(
      <MoreRows list={{ hasNextPage: true, isFetchingNextPage: false, fetchNextPage }}>3 loaded</MoreRows>,
      { wrapper: withQueries },
    );
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(fetchNextPage).toHaveBeenCalledOnce();
    expect(screen.getByText("3 loaded")).toBeTruthy();
    rerender(<MoreRows list={{ hasNextPage: false, isFetchingNextPage: false, fetchNextPage }}>3 loaded</MoreRows>);
    expect(screen.queryByRole("button")).toBeNull();
    expect(screen.queryByText("3 loaded")).toBeNull();
  });
});
