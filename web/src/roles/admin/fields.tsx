import { AutoComplete, Form, Input, Select } from "antd";
import { useIntl } from "react-intl";

import { useOffices } from "./api";
import { officeOptions, STAFF_ROLES } from "./rules";

/** A person's name, roles and office: the fields both the new-person and the change forms hold. */
export function PersonFields() {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const offices = useOffices();
  return (
    <>
      <Form.Item label={t("admin.field.name")} name="name" rules={[{ required: true, whitespace: true, max: 200 }]}>
        <Input style={{ maxWidth: 320 }} />
      </Form.Item>
      <Form.Item label={t("admin.field.roles")} name="roles" rules={[{ required: true, type: "array", min: 1 }]}>
        <Select
          mode="multiple"
          optionFilterProp="label"
          options={STAFF_ROLES.map((role) => ({ value: role, label: t(`shell.role.${role}`) }))}
          style={{ maxWidth: 480 }}
        />
      </Form.Item>
      <Form.Item label={t("admin.field.office")} name="office" extra={t("admin.field.officeHint")} rules={[{ max: 64 }]}>
        <AutoComplete
          allowClear
          options={officeOptions(offices.data ?? [])}
          filterOption={(typed, option) => String(option?.label ?? "").toLowerCase().includes(typed.toLowerCase())}
          style={{ maxWidth: 320 }}
        />
      </Form.Item>
    </>
  );
}
