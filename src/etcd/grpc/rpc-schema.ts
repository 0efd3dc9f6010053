/**
 * The part of etcd's v3 API the charm calls, as protobuf schema text: our
 * own subset of etcd's etcdserverpb/rpc.proto, mvccpb/kv.proto and
 * authpb (field names and numbers as etcd 3.6.13 declares them; every
 * message here exists, with these numbers, from 3.4). Parsed with keepCase so
 * the JSON a call answers has the same field names as the JSON gateway's
 * (`cluster_id`, `dbSize`, `ID`, `create_revision`), and the gateway schemas
 * read both.
 */
export const ETCD_RPC_PROTO = `
syntax = "proto3";
package etcdserverpb;

message ResponseHeader { uint64 cluster_id = 1; uint64 member_id = 2; int64 revision = 3; uint64 raft_term = 4; }
message KeyValue { bytes key = 1; int64 create_revision = 2; int64 mod_revision = 3; int64 version = 4; bytes value = 5; int64 lease = 6; }

message RangeRequest { bytes key = 1; bytes range_end = 2; int64 limit = 3; int64 revision = 4; bool serializable = 7; bool keys_only = 8; bool count_only = 9; }
message RangeResponse { ResponseHeader header = 1; repeated KeyValue kvs = 2; bool more = 3; int64 count = 4; }
message PutRequest { bytes key = 1; bytes value = 2; int64 lease = 3; bool prev_kv = 4; }
message PutResponse { ResponseHeader header = 1; KeyValue prev_kv = 2; }
service KV {
  rpc Range(RangeRequest) returns (RangeResponse);
  rpc Put(PutRequest) returns (PutResponse);
}

message Member { uint64 ID = 1; string name = 2; repeated string peerURLs = 3; repeated string clientURLs = 4; bool isLearner = 5; }
message MemberAddRequest { repeated string peerURLs = 1; bool isLearner = 2; }
message MemberAddResponse { ResponseHeader header = 1; Member member = 2; repeated Member members = 3; }
message MemberRemoveRequest { uint64 ID = 1; }
message MemberUpdateRequest { uint64 ID = 1; repeated string peerURLs = 2; }
message MemberListRequest { bool linearizable = 1; }
message MemberPromoteRequest { uint64 ID = 1; }
message MembersResponse { ResponseHeader header = 1; repeated Member members = 2; }
service Cluster {
  rpc MemberAdd(MemberAddRequest) returns (MemberAddResponse);
  rpc MemberRemove(MemberRemoveRequest) returns (MembersResponse);
  rpc MemberUpdate(MemberUpdateRequest) returns (MembersResponse);
  rpc MemberList(MemberListRequest) returns (MembersResponse);
  rpc MemberPromote(MemberPromoteRequest) returns (MembersResponse);
}

enum AlarmType { NONE = 0; NOSPACE = 1; CORRUPT = 2; }
message AlarmRequest { enum AlarmAction { GET = 0; ACTIVATE = 1; DEACTIVATE = 2; } AlarmAction action = 1; uint64 memberID = 2; AlarmType alarm = 3; }
message AlarmMember { uint64 memberID = 1; AlarmType alarm = 2; }
message AlarmResponse { ResponseHeader header = 1; repeated AlarmMember alarms = 2; }
message StatusRequest {}
message StatusResponse {
  ResponseHeader header = 1; string version = 2; int64 dbSize = 3; uint64 leader = 4; uint64 raftIndex = 5; uint64 raftTerm = 6;
  uint64 raftAppliedIndex = 7; repeated string errors = 8; int64 dbSizeInUse = 9; bool isLearner = 10; string storageVersion = 11; int64 dbSizeQuota = 12;
  DowngradeInfo downgradeInfo = 13;
}
message DowngradeInfo { bool enabled = 1; string targetVersion = 2; }
message DowngradeRequest { enum DowngradeAction { VALIDATE = 0; ENABLE = 1; CANCEL = 2; } DowngradeAction action = 1; string version = 2; }
message DowngradeResponse { ResponseHeader header = 1; string version = 2; }
message MoveLeaderRequest { uint64 targetID = 1; }
message HeaderOnly { ResponseHeader header = 1; }
service Maintenance {
  rpc Alarm(AlarmRequest) returns (AlarmResponse);
  rpc Status(StatusRequest) returns (StatusResponse);
  rpc MoveLeader(MoveLeaderRequest) returns (HeaderOnly);
  rpc Downgrade(DowngradeRequest) returns (DowngradeResponse);
}

message Empty {}
message AuthenticateRequest { string name = 1; string password = 2; }
message AuthenticateResponse { ResponseHeader header = 1; string token = 2; }
message AuthStatusResponse { ResponseHeader header = 1; bool enabled = 2; uint64 authRevision = 3; }
message UserAddOptions { bool no_password = 1; }
message AuthUserAddRequest { string name = 1; string password = 2; UserAddOptions options = 3; }
message AuthUserGrantRoleRequest { string user = 1; string role = 2; }
message AuthUserChangePasswordRequest { string name = 1; string password = 2; }
message AuthUserListResponse { ResponseHeader header = 1; repeated string users = 2; }
message AuthNameRequest { string name = 1; }
message AuthRoleRequest { string role = 1; }
message Permission { enum Type { READ = 0; WRITE = 1; READWRITE = 2; } Type permType = 1; bytes key = 2; bytes range_end = 3; }
message AuthRoleGrantPermissionRequest { string name = 1; Permission perm = 2; }
message AuthRoleRevokePermissionRequest { string role = 1; bytes key = 2; bytes range_end = 3; }
message AuthRoleGetResponse { ResponseHeader header = 1; repeated Permission perm = 2; }
message AuthRoleListResponse { ResponseHeader header = 1; repeated string roles = 2; }
service Auth {
  rpc AuthEnable(Empty) returns (HeaderOnly);
  rpc Authenticate(AuthenticateRequest) returns (AuthenticateResponse);
  rpc AuthStatus(Empty) returns (AuthStatusResponse);
  rpc UserAdd(AuthUserAddRequest) returns (HeaderOnly);
  rpc UserGrantRole(AuthUserGrantRoleRequest) returns (HeaderOnly);
  rpc UserChangePassword(AuthUserChangePasswordRequest) returns (HeaderOnly);
  rpc UserList(Empty) returns (AuthUserListResponse);
  rpc UserDelete(AuthNameRequest) returns (HeaderOnly);
  rpc RoleAdd(AuthNameRequest) returns (HeaderOnly);
  rpc RoleGet(AuthRoleRequest) returns (AuthRoleGetResponse);
  rpc RoleList(Empty) returns (AuthRoleListResponse);
  rpc RoleDelete(AuthRoleRequest) returns (HeaderOnly);
  rpc RoleGrantPermission(AuthRoleGrantPermissionRequest) returns (HeaderOnly);
  rpc RoleRevokePermission(AuthRoleRevokePermissionRequest) returns (HeaderOnly);
}
`;

/** The JSON gateway's paths and the gRPC methods behind them (etcd's rpc.proto `google.api.http` options). */
export const GATEWAY_ROUTES: Readonly<Record<string, readonly [service: string, method: string]>> = {
  '/v3/kv/range': ['KV', 'Range'],
  '/v3/kv/put': ['KV', 'Put'],
  '/v3/cluster/member/add': ['Cluster', 'MemberAdd'],
  '/v3/cluster/member/remove': ['Cluster', 'MemberRemove'],
  '/v3/cluster/member/update': ['Cluster', 'MemberUpdate'],
  '/v3/cluster/member/list': ['Cluster', 'MemberList'],
  '/v3/cluster/member/promote': ['Cluster', 'MemberPromote'],
  '/v3/maintenance/alarm': ['Maintenance', 'Alarm'],
  '/v3/maintenance/status': ['Maintenance', 'Status'],
  '/v3/maintenance/transfer-leadership': ['Maintenance', 'MoveLeader'],
  '/v3/maintenance/downgrade': ['Maintenance', 'Downgrade'],
  '/v3/auth/enable': ['Auth', 'AuthEnable'],
  '/v3/auth/authenticate': ['Auth', 'Authenticate'],
  '/v3/auth/status': ['Auth', 'AuthStatus'],
  '/v3/auth/user/add': ['Auth', 'UserAdd'],
  '/v3/auth/user/grant': ['Auth', 'UserGrantRole'],
  '/v3/auth/user/changepw': ['Auth', 'UserChangePassword'],
  '/v3/auth/user/list': ['Auth', 'UserList'],
  '/v3/auth/user/delete': ['Auth', 'UserDelete'],
  '/v3/auth/role/add': ['Auth', 'RoleAdd'],
  '/v3/auth/role/get': ['Auth', 'RoleGet'],
  '/v3/auth/role/list': ['Auth', 'RoleList'],
  '/v3/auth/role/delete': ['Auth', 'RoleDelete'],
  '/v3/auth/role/grant': ['Auth', 'RoleGrantPermission'],
  '/v3/auth/role/revoke': ['Auth', 'RoleRevokePermission'],
};
