import { Tag } from "antd";
import { FormattedMessage } from "react-intl";

import { bureauToday, DEADLINE_COLOURS, deadlineState } from "./deadline";

export function DeadlineTag({ due, today = bureauToday() }: { due: string | null | undefined; today?: string }) {
  if (!due) return null;
  const state = deadlineState(due, today);
  const date = due.slice(0, 10);
  return (
    <Tag color={DEADLINE_COLOURS[state.kind]} data-deadline={state.kind}>
      <FormattedMessage id={`shell.due.${state.kind}`} values={{ days: state.days, date }} />
    </Tag>
  );
}
