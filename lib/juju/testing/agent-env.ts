/**
 * The variables a Juju 3.6 machine agent sets for every hook and action
 * (contract §1.1–1.3), shared by the harness and the simulator; each adds
 * the event's own (relation, secret, storage, action) and its PATH.
 */
export interface AgentEnvBase {
  readonly unitName: string;
  readonly charmDir: string;
  readonly contextId: string;
  /** Empty for actions. */
  readonly hookName: string;
  readonly socketAddress: string;
  readonly modelName: string;
  readonly modelUuid: string;
  readonly apiAddresses: string;
  readonly machineId: string;
  readonly jujuVersion: string;
}

export const agentEnv = (base: AgentEnvBase): Record<string, string> => ({
  JUJU_CHARM_DIR: base.charmDir,
  CHARM_DIR: base.charmDir,
  JUJU_CONTEXT_ID: base.contextId,
  JUJU_HOOK_NAME: base.hookName,
  JUJU_AGENT_SOCKET_ADDRESS: base.socketAddress,
  JUJU_AGENT_SOCKET_NETWORK: 'unix',
  JUJU_UNIT_NAME: base.unitName,
  JUJU_MODEL_UUID: base.modelUuid,
  JUJU_MODEL_NAME: base.modelName,
  JUJU_API_ADDRESSES: base.apiAddresses,
  JUJU_MACHINE_ID: base.machineId,
  JUJU_PRINCIPAL_UNIT: '',
  JUJU_AVAILABILITY_ZONE: '',
  JUJU_VERSION: base.jujuVersion,
  CLOUD_API_VERSION: '',
  JUJU_CHARM_HTTP_PROXY: '',
  JUJU_CHARM_HTTPS_PROXY: '',
  JUJU_CHARM_FTP_PROXY: '',
  JUJU_CHARM_NO_PROXY: '',
  APT_LISTCHANGES_FRONTEND: 'none',
  DEBIAN_FRONTEND: 'noninteractive',
  LANG: 'C.UTF-8',
  TERM: 'tmux-256color',
});
