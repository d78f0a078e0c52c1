/** How long a parked login lives in the waiting sections (login.lifetimeSeconds, the schema's maximum). */
export const WAITING_LOGIN_LIFETIME_SECONDS = 1800;
