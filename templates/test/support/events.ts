import type { CdkCustomResourceEvent } from 'aws-lambda';

type Users = readonly { Name: unknown; Access: unknown }[];
const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/test/1',
  RequestId: 'request-1',
  LogicalResourceId: 'DatabaseUsers',
  ResourceType: 'Custom::DatabaseUsers',
};
const props = (databaseName: unknown, users: Users) => ({ ServiceToken: base.ServiceToken, DatabaseName: databaseName, Users: users });

export const createEvent = (databaseName: unknown, users: Users): CdkCustomResourceEvent =>
  ({ ...base, RequestType: 'Create', ResourceProperties: props(databaseName, users) }) as CdkCustomResourceEvent;

export const updateEvent = (databaseName: unknown, oldUsers: Users, users: Users, oldDatabaseName = databaseName): CdkCustomResourceEvent =>
  ({
    ...base,
    RequestType: 'Update',
    PhysicalResourceId: `database-users:${String(oldDatabaseName)}`,
    ResourceProperties: props(databaseName, users),
    OldResourceProperties: props(oldDatabaseName, oldUsers),
  }) as CdkCustomResourceEvent;

export const deleteEvent = (databaseName: unknown, users: Users): CdkCustomResourceEvent =>
  ({ ...base, RequestType: 'Delete', PhysicalResourceId: `database-users:${String(databaseName)}`, ResourceProperties: props(databaseName, users) }) as CdkCustomResourceEvent;
