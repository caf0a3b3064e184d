import { Button, Input, Popover, Select, Space } from "antd";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { forgetFilter, saveFilter, savedFilters } from "./savedFilters";

/** Save the list's current filter under a name, and go back to a saved one. */
export function SavedFilters({ screen }: { screen: string }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const [search, setSearch] = useSearchParams();
  const [filters, setFilters] = useState(() => savedFilters(localStorage, screen));
  const [name, setName] = useState("");
  const [open, setOpen] = useState(false);
  // The saved filter the list shows now, which may be forgotten.
  const current = filters.find((filter) => filter.query === search.toString());
  return (
    <Space wrap>
      <Select
        aria-label={t("shell.filters.saved")}
        placeholder={t("shell.filters.saved")}
        style={{ minWidth: 180 }}
        value={null}
        options={filters.map((filter) => ({ value: filter.name, label: filter.name }))}
        onChange={(chosen: string) => {
          const found = filters.find((filter) => filter.name === chosen);
          if (found) setSearch(new URLSearchParams(found.query));
        }}
      />
      <Popover
        open={open}
        onOpenChange={setOpen}
        trigger="click"
        content={
          <Space.Compact>
            <Input
              aria-label={t("shell.filters.name")}
              placeholder={t("shell.filters.name")}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
            <Button
              type="primary"
              disabled={!name.trim()}
              onClick={() => {
                setFilters(saveFilter(localStorage, screen, name, search.toString()));
                setName("");
                setOpen(false);
              }}
            >
              {t("shell.save")}
            </Button>
          </Space.Compact>
        }
      >
        <Button>{t("shell.filters.save")}</Button>
      </Popover>
      {current && (
        <Button type="link" onClick={() => setFilters(forgetFilter(localStorage, screen, current.name))}>
          {intl.formatMessage({ id: "shell.filters.forget" }, { name: current.name })}
        </Button>
      )}
    </Space>
  );
}
