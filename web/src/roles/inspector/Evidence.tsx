import { CameraOutlined, DeleteOutlined, PaperClipOutlined } from "@ant-design/icons";
import { Button, List, Space, Typography } from "antd";
import { useEffect, useRef, useState } from "react";
import { FormattedMessage } from "react-intl";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useUpload, type Attachment } from "./api";
import { useText } from "./forms";

export interface Uploaded {
  attachment: Attachment;
  name: string;
  /** A preview of a photo taken on this device (the browser's own copy). */
  preview: string | null;
}

/** Photos from the phone's camera (or documents), each uploaded as soon as it is taken, so the
 * record only cites what the service already holds. */
export function Evidence({
  value,
  onChange,
  documents = false,
}: {
  value: Uploaded[];
  onChange: (next: Uploaded[]) => void;
  documents?: boolean;
}) {
  const t = useText();
  const input = useRef<HTMLInputElement>(null);
  const upload = useUpload();
  const [busy, setBusy] = useState(false);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => () => latest.current.forEach((item) => item.preview && URL.revokeObjectURL(item.preview)), []);

  const taken = async (files: FileList | null) => {
    if (!files?.length) return;
    setBusy(true);
    let next = latest.current;
    for (const file of Array.from(files)) {
      try {
        const attachment = await upload.mutateAsync(file);
        if (next.some((item) => item.attachment.ref === attachment.ref)) continue;
        const preview = file.type.startsWith("image/") ? URL.createObjectURL(file) : null;
        next = [...next, { attachment, name: file.name, preview }];
        onChange(next);
      } catch {
        // The problem is shown below; the other files still go.
      }
    }
    setBusy(false);
    if (input.current) input.current.value = "";
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <input
        ref={input}
        type="file"
        accept={documents ? "image/*,application/pdf" : "image/*"}
        capture={documents ? undefined : "environment"}
        multiple
        style={{ display: "none" }}
        aria-label={t(documents ? "inspector.evidence.add" : "inspector.evidence.take")}
        data-testid="evidence-input"
        onChange={(event) => void taken(event.target.files)}
      />
      <Button icon={documents ? <PaperClipOutlined /> : <CameraOutlined />} loading={busy} onClick={() => input.current?.click()}>
        {t(documents ? "inspector.evidence.add" : "inspector.evidence.take")}
      </Button>
      <ProblemAlert error={upload.error} />
      {value.length > 0 && (
        <List
          size="small"
          bordered
          dataSource={value}
          renderItem={(item, index) => (
            <List.Item
              actions={[
                <Button
                  key="remove"
                  size="small"
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={t("inspector.evidence.remove", { n: index + 1 })}
                  onClick={() => {
                    if (item.preview) URL.revokeObjectURL(item.preview);
                    onChange(value.filter((other) => other !== item));
                  }}
                />,
              ]}
            >
              <Space>
                {item.preview && (
                  <img
                    src={item.preview}
                    alt={t("inspector.file.photoOf", { n: index + 1 })}
                    width={48}
                    height={48}
                    style={{ objectFit: "cover", borderRadius: 4 }}
                  />
                )}
                <span>
                  <Typography.Text data-testid="uploaded">{item.name}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    <FormattedMessage
                      id="inspector.evidence.stored"
                      values={{ size: Math.ceil(item.attachment.size / 1024), ref: item.attachment.sha256.slice(0, 12) }}
                    />
                  </Typography.Text>
                </span>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Space>
  );
}
