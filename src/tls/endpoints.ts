/** The client-cas endpoint (interface certificate_transfer); apart so every hook can name it without loading X.509. */
export const CLIENT_CAS_ENDPOINT = 'client-cas';
