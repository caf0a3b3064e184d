import { Alert, Typography } from "antd";

/** A secret the platform keeps only as a hash: shown here this once, to copy and hand over. */
export function OnceShown({ title, secret, note, testId }: { title: string; secret: string; note: string; testId: string }) {
  return (
    <Alert
      type="warning"
      showIcon
      role="status"
      style={{ marginBottom: 16 }}
      title={title}
      description={
        <>
          <Typography.Text code copyable={{ text: secret }} style={{ fontSize: 16 }}>
            <span data-testid={testId}>{secret}</span>
          </Typography.Text>
          <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }}>{note}</Typography.Paragraph>
        </>
      }
    />
  );
}
