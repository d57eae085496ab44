/** A string shaped like an @aws-sdk/rds-signer token (what the harness's PAM check accepts). */
export function fakeIamToken(user: string, host = 'localhost', port = 3306): string {
  return `${host}:${port}/?Action=connect&DBUser=${user}&X-Amz-Algorithm=AWS4-HMAC-SHA256` +
    '&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Feu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=20260101T000000Z' +
    `&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${'ab'.repeat(32)}`;
}
