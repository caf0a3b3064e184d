import { keepPreviousData, useInfiniteQuery, type InfiniteData, type QueryKey, type UseInfiniteQueryResult } from "@tanstack/react-query";
import { Button, Space } from "antd";
import { useCallback, type CSSProperties, type ReactNode } from "react";
import { useIntl } from "react-intl";

/** A page of a list the service pages by cursor: its rows under `Field`, and where the next page starts. */
export type Page<Field extends string, Row> = Record<Field, Row[]> & { next_cursor?: string | null };

/** A list loaded a page at a time: `data` holds the rows of every page loaded so far, in order. */
export type PagedList<Row> = UseInfiniteQueryResult<Row[]>;

export interface PagedListOptions<Field extends string, Row> {
  queryKey: QueryKey;
  /** The page resuming at `cursor` (null for the first). */
  page: (cursor: string | null) => Promise<Page<Field, Row>>;
  /** The field of a page that holds its rows. */
  rowsIn: Field;
  /** Nothing is asked while false. */
  enabled?: boolean;
  /** While the next filter's answer comes, the rows of the last one stay (no flicker at each key). */
  keepPrevious?: boolean;
}

/** A list the service pages by cursor, read a page at a time ("load more"). */
export function usePagedList<Field extends string, Row>(options: PagedListOptions<Field, Row>): PagedList<Row> {
  const { rowsIn } = options;
  // One function while the field is the same, so the rows are gathered again only when a page arrives.
  const select = useCallback(
    (data: InfiniteData<Page<Field, Row>, string | null>) => data.pages.flatMap((page) => page[rowsIn]),
    [rowsIn],
  );
  return useInfiniteQuery({
    queryKey: options.queryKey,
    enabled: options.enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => options.page(pageParam),
    getNextPageParam: (page) => page.next_cursor,
    select,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
  });
}

/** Under a paged list: the button that loads its next page, while the service has one; `children` beside it. */
export function MoreRows({
  list,
  style,
  children,
}: {
  list: Pick<PagedList<unknown>, "hasNextPage" | "fetchNextPage" | "isFetchingNextPage">;
  style?: CSSProperties;
  children?: ReactNode;
}) {
  const intl = useIntl();
  if (!list.hasNextPage) return null;
  return (
    <Space style={style}>
      <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
        {intl.formatMessage({ id: "shell.more" })}
      </Button>
      {children}
    </Space>
  );
}
