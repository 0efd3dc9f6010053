/** The endpoint client applications relate to (interface `etcd_client`); apart so hooks can ask for it without loading the provider. */
export const CLIENT_ENDPOINT = 'etcd-client';
